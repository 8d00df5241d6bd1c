using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>The app in memory (TestServer) serving <see cref="TinyBundle"/>, with helpers for the API's requests and problem answers.</summary>
public class ServerFactory : WebApplicationFactory<Program>
{
    public const string ProblemContentType = "application/problem+json";

    private readonly TempDir certificates = new();

    /// <summary>Settings on top of appsettings.json; subclasses change them.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Model:Path"] = TinyBundle.Path,
        ["Tls:CertificateDirectory"] = certificates.Path,
    };

    public HttpClient Client => field ??= CreateClient();

    public Task<HttpResponseMessage> PostJsonAsync(string json, string? contentType = "application/json") =>
        PostBytesAsync(Encoding.UTF8.GetBytes(json), contentType);

    public Task<HttpResponseMessage> PostBytesAsync(byte[] body, string? contentType = "application/json") => PostToAsync("/predict", body, contentType);

    /// <summary>POST <paramref name="json"/> to <paramref name="path"/> (another endpoint than /predict, such as /embed).</summary>
    public Task<HttpResponseMessage> PostToAsync(string path, string json, string? contentType = "application/json") =>
        PostToAsync(path, Encoding.UTF8.GetBytes(json), contentType);

    public Task<HttpResponseMessage> PostToAsync(string path, byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return Client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    /// <summary>The parsed JSON answer of a 200.</summary>
    public static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 answer with <paramref name="status"/>, no stack trace, and returns it.</summary>
    public static async Task<Problem> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(ProblemContentType, response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(text).RootElement;
        var problem = new Problem(json.GetProperty("type").GetString()!, json.GetProperty("title").GetString()!, json.GetProperty("status").GetInt32(),
            json.TryGetProperty("detail", out var detail) ? detail.GetString() : null);
        Assert.Equal((int)status, problem.Status);
        Assert.StartsWith("https://", problem.Type, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail), "a problem answer says what is wrong in its detail");
        AssertNoStackTrace(text);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        return problem;
    }

    public static void AssertNoStackTrace(string text)
    {
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("--- End of", text, StringComparison.Ordinal);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Production");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            certificates.Dispose();
        }
    }
}

public sealed record Problem(string Type, string Title, int Status, string? Detail);

/// <summary>Model:Required=false and a bundle that does not exist: the server must stay up and answer 503.</summary>
public sealed class UnavailableModelFactory : ServerFactory
{
    public const string MissingPath = "/nonexistent/textclf-model";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Model:Path"] = MissingPath,
        ["Model:Required"] = "false",
    };
}

/// <summary>Swagger:Enabled=false.</summary>
public sealed class SwaggerDisabledFactory : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Swagger:Enabled"] = "false" };
}
