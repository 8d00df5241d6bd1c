using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TextClassification.Server.Lifecycle;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>SIGTERM drains the real server process: out of rotation first, then the listener closes, and nothing accepted is dropped.</summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private static readonly Uri Health = new("/health", UriKind.Relative);
    private static readonly Uri Predict = new("/predict", UriKind.Relative);

    private readonly TempDir certificates = new();

    [Fact]
    public async Task ReadinessTurns503WithDrainingOnSigtermWhileTheServerStillAnswersWithConnectionClose()
    {
        await using var server = await StartHealthyAsync("--Shutdown:DrainDelay=3s");
        using var client = Http11Client(server);
        var clock = Stopwatch.StartNew();

        var readiness = await SigtermUntilDrainingAsync(server, client);
        var liveness = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var body = PredictBody();
        var prediction = await client.PostAsync(Predict, body);
        double answeredAt = clock.Elapsed.TotalSeconds;
        int exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("\"status\":\"Draining\"", await readiness.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(readiness.Headers.ConnectionClose, "a response during the drain delay keeps the connection open");
        Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        Assert.True(prediction.Headers.ConnectionClose, "a prediction during the drain delay keeps the connection open");
        Assert.True(answeredAt < 3, $"the answers came {answeredAt:F1} s after SIGTERM, not within the 3 s drain delay");
        Assert.True(clock.Elapsed.TotalSeconds >= 2.9, $"the process exited {clock.Elapsed.TotalSeconds:F1} s after SIGTERM, before the drain delay was over");
        Assert.Equal(0, exitCode);
        Assert.Contains("Draining: /health answers 503", server.Output, StringComparison.Ordinal);
        Assert.Contains("Closing the listener", server.Output, StringComparison.Ordinal);
        Assert.Contains("none left", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARequestInFlightWhenSigtermArrivesGetsItsAnswerAfterTheListenerCloses()
    {
        await using var server = await StartHealthyAsync();
        using var client = Http11Client(server);
        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var body = new SlowBody("{\"texts\": [\"win a free prize now\", ", "\"lunch meeting about the report\"]}", halfSent, finish.Task);

        var request = client.PostAsync(Predict, body);
        await halfSent.Task;
        await Task.Delay(200); // the server has the headers and half the body: the request is in flight
        await server.SignalAsync("TERM");
        await WaitForOutputAsync(server, "Closing the listener");
        finish.SetResult();
        var response = await request;
        int exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

        var answer = await ServerFactory.ReadOkAsync(response);
        Assert.Equal(["spam", "ham"], answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        Assert.True(response.Headers.ConnectionClose, "the last response of a keep-alive connection says Connection: close");
        Assert.Equal(0, exitCode);
        Assert.Contains("1 request(s) in flight will be answered", server.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ASecondSignalSkipsTheDrainDelay()
    {
        Skip.If(IgnoredSignals.IsIgnored(IgnoredSignals.Interrupt), InheritedSignals.Reason("SIGINT"));
        await using var server = await StartHealthyAsync("--Shutdown:DrainDelay=2m");
        using var client = Http11Client(server);
        var clock = Stopwatch.StartNew();

        await SigtermUntilDrainingAsync(server, client);
        await server.SignalAsync("INT");
        int exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"exited {clock.Elapsed.TotalSeconds:F1} s after the first signal");
        Assert.Contains("Received SIGINT again: skipping the rest of the drain delay", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHostWaitsForTheDrainDelayPlusTheShutdownTimeout()
    {
        using var factory = new SettingsFactory(new() { ["Shutdown:DrainDelay"] = "5s", ["Shutdown:Timeout"] = "20s" });

        var host = factory.Services.GetRequiredService<IOptions<HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(25), host.ShutdownTimeout);
    }

    [Fact]
    public async Task ADurationWithoutAUnitStopsStartupNamingTheSetting()
    {
        var (exitCode, _, errors) = await ServerProcess.RunToExitAsync(TimeSpan.FromSeconds(60), $"--Model:Path={TinyBundle.Path}",
            $"--Tls:CertificateDirectory={certificates.Path}", "--urls", "https://127.0.0.1:0", "--Shutdown:DrainDelay=5");

        Assert.Equal(1, exitCode);
        Assert.Contains("Shutdown:DrainDelay must be a duration such as 5s, 500ms, 2m or 00:00:05; got \"5\"", errors, StringComparison.Ordinal);
    }

    public void Dispose() => certificates.Dispose();

    private async Task<ServerProcess> StartHealthyAsync(params string[] arguments)
    {
        var server = await ServerProcess.StartAsync(certificates.Path, "https://127.0.0.1:0", arguments);
        using var client = Http11Client(server);
        await WaitForStatusAsync(client, Health, HttpStatusCode.OK);
        return server;
    }

    /// <summary>Sends SIGTERM and returns the first readiness answer that is 503.</summary>
    private static async Task<HttpResponseMessage> SigtermUntilDrainingAsync(ServerProcess server, HttpClient client)
    {
        await server.SignalAsync("TERM");
        return await WaitForStatusAsync(client, Health, HttpStatusCode.ServiceUnavailable);
    }

    /// <summary>HTTP/1.1 with keep-alive, like wrk and most load balancers' health checks.</summary>
    private static HttpClient Http11Client(ServerProcess server) => new(server.TrustingOnlyItsCertificate())
    {
        BaseAddress = server.HttpsUri,
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private static StringContent PredictBody() => new("""{"text":"win a free prize now"}""", Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> WaitForStatusAsync(HttpClient client, Uri path, HttpStatusCode status)
    {
        for (int i = 0; ; i++)
        {
            var response = await client.GetAsync(path);
            if (response.StatusCode == status)
            {
                return response;
            }
            Assert.True(i < 300, $"{path} did not answer {(int)status} within 30 s (last: {(int)response.StatusCode})");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForOutputAsync(ServerProcess server, string text)
    {
        for (int i = 0; !server.Output.Contains(text, StringComparison.Ordinal); i++)
        {
            Assert.True(i < 300, $"the server did not log \"{text}\" within 30 s:\n{server.Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>A JSON body sent in two parts: the second only once <c>finish</c> completes.</summary>
    private sealed class SlowBody : HttpContent
    {
        private readonly byte[] first;
        private readonly byte[] second;
        private readonly TaskCompletionSource halfSent;
        private readonly Task finish;

        public SlowBody(string first, string second, TaskCompletionSource halfSent, Task finish)
        {
            this.first = Encoding.UTF8.GetBytes(first);
            this.second = Encoding.UTF8.GetBytes(second);
            this.halfSent = halfSent;
            this.finish = finish;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            halfSent.SetResult();
            await finish;
            await stream.WriteAsync(second);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = first.Length + second.Length;
            return true;
        }
    }
}
