using System.Net;

namespace TextClassification.Server.Hosting;

/// <summary>
/// <c>Server --healthcheck</c>: GET /health/live on this machine's own listener and exit 0 on 200, 1 otherwise.
/// Used by the container HEALTHCHECK, since the runtime image has no curl. It starts no host and loads no model.
/// </summary>
internal static class HealthProbe
{
    public const string Argument = "--healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Argument;

    public static async Task<int> RunAsync(string[] args)
    {
        var configuration = SettingsConfiguration.BuildStandalone(args[1..]);
        var uri = new Uri(LocalBaseUri(configuration["urls"]), "health/live");
        using var handler = new SocketsHttpHandler
        {
            // A self-probe over loopback checks liveness, not identity; the server's certificate may name other hosts.
#pragma warning disable CA5359
            SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true },
#pragma warning restore CA5359
        };
        using var client = new HttpClient(handler) { Timeout = Timeout };
        try
        {
            using var response = await client.GetAsync(uri).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"{uri}: {(int)response.StatusCode} {response.ReasonPhrase}").ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{uri}: {StartupFailure.Describe(ex)}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The first configured URL with a wildcard host replaced by loopback.</summary>
    public static Uri LocalBaseUri(string? urls)
    {
        string first = (urls ?? "https://localhost:5000").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
            ?? "https://localhost:5000";
        int schemeEnd = first.IndexOf("://", StringComparison.Ordinal);
        string scheme = schemeEnd > 0 ? first[..schemeEnd] : "http";
        string rest = schemeEnd > 0 ? first[(schemeEnd + 3)..] : first;
        int portStart = rest.LastIndexOf(':');
        string host = portStart > 0 && !rest.EndsWith(']') ? rest[..portStart] : rest;
        string port = portStart > 0 && !rest.EndsWith(']') ? rest[portStart..].TrimEnd('/') : "";
        host = host switch
        {
            "*" or "+" or "0.0.0.0" or "localhost" => "127.0.0.1",
            "[::]" => "[::1]",
            _ => host,
        };
        return new Uri($"{scheme}://{host}{port}/");
    }
}
