using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using TextClassification.Server.Hosting;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>The real server with a 1 s request body deadline and Debug logging for the predict endpoint's body reader.</summary>
public sealed class HardenedServerFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDir certificates = new();

    internal ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await ServerProcess.StartAsync(certificates.Path, "https://127.0.0.1:0",
            "--Server:RequestBodyTimeout=00:00:01", "--Logging:LogLevel:TextClassification.Server.Predictions=Debug");

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public void Dispose() => certificates.Dispose();
}

/// <summary>Hostile clients against real Kestrel: stalled and reset uploads, broken chunk framing, HEAD over HTTP/2.</summary>
public sealed class HardeningServerTests(HardenedServerFixture fixture) : IClassFixture<HardenedServerFixture>
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(10);

    private ServerProcess Server => fixture.Server;

    [Fact]
    public async Task AnUploadThatStallsIsAnswered408AndItsConnectionClosed()
    {
        var logMark = MarkLog();
        await using var connection = await RawHttps.ConnectAsync(Server);
        var clock = Stopwatch.StartNew();

        await connection.SendAsync("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n", 65_536);
        string response = await connection.ReadUntilClosedAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 408", response, StringComparison.Ordinal);
        Assert.Contains("Connection: close", response, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", response, StringComparison.Ordinal);
        Assert.Contains("Server:RequestBodyTimeout", response, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
        await AssertLoggedOnceAtDebugAsync(logMark, "Request body incomplete after 1 s");
    }

    [Fact]
    public async Task AV2UploadThatStallsIsAnswered408WithAV2ErrorAndItsConnectionClosed()
    {
        await using var connection = await RawHttps.ConnectAsync(Server);

        // No Content-Type, as Triton's client sends it.
        await connection.SendAsync($"POST /v2/models/{Path.GetFileName(TinyBundle.Path)}/infer HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048576\r\n\r\n", 65_536);
        string response = await connection.ReadUntilClosedAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 408", response, StringComparison.Ordinal);
        Assert.Contains("Connection: close", response, StringComparison.Ordinal);
        Assert.Contains("{\"error\":\"The request body did not arrive within 1 s, the limit set by Server:RequestBodyTimeout.\"}", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnHttp2UploadThatStallsIsAnswered408()
    {
        using var client = Http2Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict") { Content = new StalledContent(), Version = HttpVersion.Version20 };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpVersion.Version20, response.Version);
        var problem = await ServerFactory.ReadProblemAsync(response, HttpStatusCode.RequestTimeout);
        Assert.Contains("Server:RequestBodyTimeout", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChunkSizeOf2To31IsA400ProblemLoggedOnceAtDebugWithoutAStackTrace()
    {
        var logMark = MarkLog();
        await using var connection = await RawHttps.ConnectAsync(Server);

        await connection.SendAsync("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "80000000\r\n{\"text\":\"a\"}");
        string response = await connection.ReadUntilClosedAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.Contains("Connection: close", response, StringComparison.Ordinal);
        Assert.Contains("\"status\":400", response, StringComparison.Ordinal);
        Assert.Contains("framing is invalid", response, StringComparison.Ordinal);
        await AssertLoggedOnceAtDebugAsync(logMark, "Bad chunk size data");
    }

    [Fact]
    public async Task AClientThatResetsItsUploadIsLoggedOnceAtDebugWithoutAStackTrace()
    {
        var logMark = MarkLog();
        var connection = await RawHttps.ConnectAsync(Server);
        await connection.SendAsync("POST /predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n", 5_000);
        await Task.Delay(300);

        connection.Reset();
        await connection.DisposeAsync();

        // Depending on timing Kestrel reports the reset as a ConnectionResetException or as the request being aborted.
        await AssertLoggedOnceAtDebugAsync(logMark, "Request body not read (");
    }

    [Theory]
    [InlineData("/no/such/path", HttpStatusCode.NotFound)]
    [InlineData("/predict", HttpStatusCode.MethodNotAllowed)]
    public async Task HeadOverHttp2IsAnsweredWithoutABody(string path, HttpStatusCode status)
    {
        using var client = Http2Client();
        using var request = new HttpRequestMessage(HttpMethod.Head, path) { Version = HttpVersion.Version20 };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(status, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        // Another request on the same HTTP/2 connection still works: the stream ended cleanly.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("/no/such/path")]
    [InlineData("/predict")]
    public async Task CurlHeadOverHttp2Succeeds(string path)
    {
        if (!File.Exists("/usr/bin/curl"))
        {
            return;
        }
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "-sS", "-I", "--http2", "--cacert", Server.CertificatePath, new Uri(Server.HttpsUri, path).ToString() })
        {
            start.ArgumentList.Add(argument);
        }
        using var curl = Process.Start(start)!;
        string output = await curl.StandardOutput.ReadToEndAsync() + await curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();

        Assert.True(curl.ExitCode == 0, $"curl -I --http2 {path}: exit {curl.ExitCode}: {output}");
        Assert.StartsWith("HTTP/2 40", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task AnswersNameNoServerSoftware(string version)
    {
        using var client = new HttpClient(Server.TrustingOnlyItsCertificate())
        {
            BaseAddress = Server.HttpsUri,
            DefaultRequestVersion = Version.Parse(version),
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.Server);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
    }

    [Fact]
    public void TheStartupLogStatesTheConnectionCapDerivedFromTheOpenFileLimit()
    {
        // The server inherits this process's open-file limit.
        long? openFiles = ConnectionLimits.SoftOpenFileLimit();
        if (ConnectionLimits.FromOpenFileLimit(openFiles) is not { } caps)
        {
            return;
        }

        Assert.Contains($"at most {caps.Connections} concurrent connections (open-file limit {openFiles} less {ConnectionLimits.ReservedDescriptors} reserved)",
            Server.Output, StringComparison.Ordinal);
        Assert.Contains("idle connections closed after 30 s", Server.Output, StringComparison.Ordinal);
    }

    private HttpClient Http2Client() => new(Server.TrustingOnlyItsCertificate())
    {
        BaseAddress = Server.HttpsUri,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>The output's length now, and the current time cut to the log's millisecond precision.</summary>
    private LogMark MarkLog()
    {
        var now = DateTimeOffset.UtcNow;
        return new(Server.Output.Length, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)));
    }

    /// <summary>
    /// The console logger writes from a queue, so a line an earlier test's request logged can reach the output after
    /// this test's mark. Such a line is stamped no later than the mark's millisecond (it was logged before that test
    /// ended); a line of this test's request is stamped later (a TLS handshake at least). Same clock, same precision.
    /// </summary>
    private static List<string> LinesAfter(string log, LogMark mark, string text) =>
        log[mark.Position..].Split('\n')
            .Where(line => line.Contains(text, StringComparison.Ordinal)
                && DateTimeOffset.TryParse(line.AsSpan(0, Math.Min(line.Length, 24)), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stamp)
                && stamp > mark.Time)
            .ToList();

    /// <summary>Where the server's output stood, and when, before a test's request.</summary>
    private readonly record struct LogMark(int Position, DateTimeOffset Time);

    /// <summary>
    /// Waits for exactly one Debug line containing <paramref name="text"/> in what the server logged after
    /// <paramref name="logMark"/>; the server's whole log holds no error and no stack trace.
    /// </summary>
    private async Task AssertLoggedOnceAtDebugAsync(LogMark logMark, string text)
    {
        var deadline = Stopwatch.StartNew();
        while (LinesAfter(Server.Output, logMark, text).Count == 0 && deadline.Elapsed < LogWait)
        {
            await Task.Delay(50);
        }
        await Task.Delay(500); // anything else the same request would log
        string log = Server.Output;

        var matching = LinesAfter(log, logMark, text);
        Assert.True(matching.Count == 1, $"expected one line with \"{text}\" after the request:\n{log}");
        Assert.Contains(" dbug: ", matching[0], StringComparison.Ordinal);
        Assert.DoesNotContain(" fail: ", log, StringComparison.Ordinal);
        Assert.DoesNotContain(" crit: ", log, StringComparison.Ordinal);
        ServerFactory.AssertNoStackTrace(log);
    }

    /// <summary>A JSON body that starts and then never continues (until the request is cancelled).</summary>
    private sealed class StalledContent : HttpContent
    {
        public StalledContent() => Headers.ContentType = new("application/json");

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes("{\"text\":\"a"), cancellationToken);
            await stream.FlushAsync(cancellationToken);
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(2), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // the server answered; the request is over
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
