using System.Net;
using System.Text;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>
/// One real server process for the metrics and access-log tests: HTTPS on a free port, <c>Metrics:Port</c> on another,
/// the access log on and the console logger writing JSON with scopes. Its first scrape is taken as soon as the model
/// is ready, before any test sends a request. A process of its own, so that no other test's traffic reaches its meters.
/// </summary>
public sealed class ObservedServer : IAsyncLifetime, IDisposable
{
    private readonly TempDir certificates = new();

    public int MetricsPort { get; } = FreePort.Next();

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Plain HTTP to the Metrics:Port listener.</summary>
    public HttpClient MetricsClient { get; private set; } = null!;

    public PrometheusScrape FirstScrape { get; private set; } = null!;

    /// <summary>Everything the server has written to stdout (one JSON object per line).</summary>
    public string Output => Server.Output;

    internal ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync(certificates.Path, "https://127.0.0.1:0", $"--Metrics:Port={MetricsPort}",
            "--Logging:AccessLog:Enabled=true", "--Logging:Console:FormatterName=json", "--Logging:Console:FormatterOptions:IncludeScopes=true");
        Client = new HttpClient(Server.TrustingOnlyItsCertificate()) { BaseAddress = Server.HttpsUri };
        MetricsClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{MetricsPort}") };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the model did not become ready");
            await Task.Delay(50);
        }
        FirstScrape = await ScrapeAsync();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        MetricsClient?.Dispose();
        await Server.DisposeAsync();
    }

    public void Dispose() => certificates.Dispose();

    /// <summary>GET /metrics on the main (HTTPS) listener.</summary>
    public async Task<PrometheusScrape> ScrapeAsync()
    {
        var response = await Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /metrics: {(int)response.StatusCode} {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusScrape.Parse(text);
    }

    public Task<HttpResponseMessage> PostAsync(string json, string contentType = "application/json", string? requestId = null) =>
        PostAsync(Encoding.UTF8.GetBytes(json), contentType, requestId);

    public Task<HttpResponseMessage> PostAsync(byte[] body, string contentType = "application/json", string? requestId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/predict", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }
        return Client.SendAsync(request);
    }
}

/// <summary>
/// The tests that share <see cref="ObservedServer"/>; they run one after another, so each sees only its own traffic, and
/// apart from every other test: OpenTelemetry listens to meters by name, so another test app alive meanwhile would
/// add its own series (a second textclf_model_info, say) to this server's scrape.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ObservedServerGroup : ICollectionFixture<ObservedServer>
{
    public const string Name = "observed server";
}
