using Microsoft.AspNetCore.Http;

namespace TextClassification.Server.Observability;

/// <summary>
/// The plain-HTTP listener of <c>Metrics:Port</c>, added to the addresses Kestrel binds: to <c>Urls</c> (on the host of
/// its first URL, e.g. <c>*</c> or <c>127.0.0.1</c>), or as one more endpoint when <c>Kestrel:Endpoints</c> is used (Kestrel
/// then ignores <c>Urls</c>). Binding it in code instead would make Kestrel ignore both.
/// </summary>
internal static class MetricsListener
{
    public const string EndpointName = "Metrics";

    public static void AddMetricsListener(this IHostApplicationBuilder builder, MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled || options.Port is not { } port || port is < 1 or > 65535)
        {
            return; // an out-of-range port is reported by the options' validation at start
        }
        var configuration = builder.Configuration;
        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            configuration.AddInMemoryCollection([new($"Kestrel:Endpoints:{EndpointName}:Url", $"http://*:{port}")]);
            return;
        }
        string urls = configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
        string first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        configuration.AddInMemoryCollection([new(WebHostDefaults.ServerUrlsKey, $"{urls};http://{BindingAddress.Parse(first).Host}:{port}")]);
    }
}
