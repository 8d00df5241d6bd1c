using System.Net;
using System.Security.Cryptography;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>The real process: failures to start are one line on stderr and exit code 1; settings and certificates across starts.</summary>
public sealed class StartupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AMissingModelStopsStartupWithOneLineNamingThePath()
    {
        using var certificates = new TempDir();

        var failure = await FailToStartAsync("--Model:Path=/nonexistent/bundle", $"--Tls:CertificateDirectory={certificates.Path}");

        Assert.Contains("/nonexistent/bundle", failure, StringComparison.Ordinal);
        Assert.Contains("does not exist", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACorruptConfigStopsStartupNamingTheFile()
    {
        using var directory = new TempDir();
        string bundle = TinyBundle.CopyTo(directory.File("bundle"));
        File.WriteAllText(Path.Combine(bundle, "config.json"), "{\"architecture\": ");

        var failure = await FailToStartAsync($"--Model:Path={bundle}", $"--Tls:CertificateDirectory={directory.File("certs")}");

        Assert.Contains(Path.Combine(bundle, "config.json"), failure, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TruncatedWeightsStopStartupNamingTheFile()
    {
        using var directory = new TempDir();
        string bundle = TinyBundle.CopyTo(directory.File("bundle"));
        string weights = Path.Combine(bundle, "model_weights.pth");
        byte[] bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);

        var failure = await FailToStartAsync($"--Model:Path={bundle}", $"--Tls:CertificateDirectory={directory.File("certs")}");

        Assert.Contains(weights, failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALoadThatOverrunsModelLoadTimeoutStopsStartupNamingTheSetting()
    {
        using var certificates = new TempDir();

        var failure = await FailToStartAsync($"--Model:Path={TinyBundle.Path}", $"--Tls:CertificateDirectory={certificates.Path}", "--Model:LoadTimeout=00:00:00.001");

        Assert.Contains("did not finish loading within 00:00:00.0010000 (Model:LoadTimeout)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeightsThatAreAFifoStopStartupInsteadOfHangingIt()
    {
        using var directory = new TempDir();
        string bundle = TinyBundle.CopyTo(directory.File("bundle"));
        string weights = Path.Combine(bundle, "model_weights.pth");
        File.Delete(weights);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", weights))
        {
            await mkfifo.WaitForExitAsync();
        }

        var failure = await FailToStartAsync($"--Model:Path={bundle}", $"--Tls:CertificateDirectory={directory.File("certs")}");

        Assert.Contains(weights + ": is a FIFO (named pipe), not a regular file", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Model:MaxTextsPerRequest=0", "Model:MaxTextsPerRequest must be between 1 and 100000")]
    [InlineData("--Model:MaxBatchSize=0", "Model:MaxTextsPerRequest must be between 1 and 100000")]
    [InlineData("--Model:MaxBatchSize=lots", "Model:MaxBatchSize (deprecated: use Model:MaxTextsPerRequest) must be a whole number")]
    [InlineData("--Inference:IntraOpThreads=0", "Inference:IntraOpThreads must be between 1 and 1024")]
    [InlineData("--Inference:WarmupRequests=-1", "Inference:WarmupRequests must be between 0 and 100000")]
    [InlineData("--Inference:IntraOpThreads=many", "Inference:IntraOpThreads")]
    [InlineData("--Model:Required=perhaps", "Model:Required")]
    [InlineData("--Model:LoadTimeout=00:00:00", "Model:LoadTimeout must be between 00:00:00.0010000 and 1.00:00:00")]
    [InlineData("--Model:Name=spam filter", "Model:Name must be 1 to 128 of A-Z a-z 0-9 . _ - starting with a letter or digit")]
    [InlineData("--Model:Version=../1", "Model:Version must be 1 to 128 of A-Z a-z 0-9 . _ - starting with a letter or digit")]
    [InlineData("--Swagger:Enabled=sometimes", "Swagger:Enabled")]
    [InlineData("--Kestrel:Limits:MaxRequestBodySize=-5", "MaxRequestBodySize")]
    [InlineData("--Tls:CertificateDirectory=", "Tls:CertificateDirectory")]
    [InlineData("--Auth:ApiKeys:0=short-key", "Auth:ApiKeys:0 is 9 characters long; an API key needs at least 32")]
    [InlineData("--Auth:ApiKeysFile=/nonexistent/api-keys", "Auth:ApiKeysFile /nonexistent/api-keys cannot be read")]
    [InlineData("--RateLimit:PermitsPerSecond=2.5", "RateLimit:PermitsPerSecond must be a whole number")]
    [InlineData("--RateLimit:PermitsPerSecond=lots", "RateLimit:PermitsPerSecond")]
    [InlineData("--RateLimit:Burst=10", "RateLimit:Burst is set but RateLimit:PermitsPerSecond is 0")]
    [InlineData("--ForwardedHeaders:KnownProxies:0=proxy.example", "ForwardedHeaders:KnownProxies:0 \"proxy.example\" is not an IP address")]
    public async Task AnInvalidSettingStopsStartupWithOneLineNamingIt(string setting, string expected)
    {
        using var certificates = new TempDir();

        var failure = await FailToStartAsync($"--Model:Path={TinyBundle.Path}", $"--Tls:CertificateDirectory={certificates.Path}", "--urls", "https://127.0.0.1:0", setting);

        Assert.Contains(expected, failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnwritableCertificateDirectoryStopsStartupWithOneLine()
    {
        var failure = await FailToStartAsync($"--Model:Path={TinyBundle.Path}", "--Tls:CertificateDirectory=/proc/textclf-certs", "--urls", "https://127.0.0.1:0");

        Assert.Contains("/proc/textclf-certs", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheGeneratedCertificateIsPersistedAndReusedOnTheNextStart()
    {
        using var certificates = new TempDir();
        byte[] first;
        await using (var server = await ServerProcess.StartAsync(certificates.Path))
        {
            first = File.ReadAllBytes(server.CertificatePath);
            Assert.Contains("generated a self-signed certificate", server.Output, StringComparison.Ordinal);
            Assert.Contains(Fingerprint(server.CertificatePath), server.Output, StringComparison.Ordinal);
            await AssertHealthyAsync(server);
        }
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(certificates.File("key.pem")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(certificates.File("cert.pem")));
        }

        await using (var server = await ServerProcess.StartAsync(certificates.Path))
        {
            Assert.Equal(first, File.ReadAllBytes(server.CertificatePath));
            Assert.Contains("using the self-signed certificate", server.Output, StringComparison.Ordinal);
            await AssertHealthyAsync(server);
        }
    }

    [Fact]
    public async Task AnExpiringCertificateIsReplaced()
    {
        using var certificates = new TempDir();
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
            using var old = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-400), DateTimeOffset.UtcNow.AddDays(5));
            File.WriteAllText(certificates.File("cert.pem"), old.ExportCertificatePem());
            File.WriteAllText(certificates.File("key.pem"), key.ExportPkcs8PrivateKeyPem());
        }
        string oldFingerprint = Fingerprint(certificates.File("cert.pem"));

        await using var server = await ServerProcess.StartAsync(certificates.Path);

        Assert.NotEqual(oldFingerprint, Fingerprint(server.CertificatePath));
        Assert.Contains("the previous one expires", server.Output, StringComparison.Ordinal);
        await AssertHealthyAsync(server);
    }

    [Fact]
    public async Task AConfiguredPemCertificateIsUsedInsteadOfGeneratingOne()
    {
        using var directory = new TempDir();
        using (var key = RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var configured = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllText(directory.File("configured.pem"), configured.ExportCertificatePem());
            File.WriteAllText(directory.File("configured.key"), key.ExportPkcs8PrivateKeyPem());
        }

        await using var server = await ServerProcess.StartAsync(directory.File("generated"), "https://127.0.0.1:0",
            $"--Kestrel:Certificates:Default:Path={directory.File("configured.pem")}", $"--Kestrel:Certificates:Default:KeyPath={directory.File("configured.key")}");

        Assert.False(Directory.Exists(directory.File("generated")));
        using var expected = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(directory.File("configured.pem"));
        using var handler = new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetRawCertData().AsSpan().SequenceEqual(expected.RawData) == true },
        };
        using var client = new HttpClient(handler);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(server.HttpsUri, "/health"))).StatusCode);
    }

    [Fact]
    public async Task AspNetCoreUrlsOverridesTheUrlsInAppSettings()
    {
        using var certificates = new TempDir();

        await using var server = await ServerProcess.StartWithUrlsVariableAsync(certificates.Path, "https://127.0.0.1:0");

        Assert.Equal("127.0.0.1", server.HttpsUri.Host);
        Assert.NotEqual(5000, server.HttpsUri.Port);
    }

    private static async Task<string> FailToStartAsync(params string[] arguments)
    {
        var (exitCode, output, errors) = await ServerProcess.RunToExitAsync(Timeout, arguments);

        Assert.True(exitCode == 1, $"exit code {exitCode}\nstdout:\n{output}\nstderr:\n{errors}");
        string[] lines = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, "stderr should be one line:\n" + errors);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        ServerFactory.AssertNoStackTrace(output + errors);
        return lines[0];
    }

    private static async Task AssertHealthyAsync(ServerProcess server)
    {
        using var client = new HttpClient(server.TrustingOnlyItsCertificate());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(server.HttpsUri, "/health"))).StatusCode);
    }

    private static string Fingerprint(string certificatePath)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(certificatePath);
        return string.Join(':', certificate.GetCertHashString(HashAlgorithmName.SHA256).Chunk(2).Select(pair => new string(pair)));
    }
}
