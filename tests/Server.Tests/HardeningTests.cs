using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TextClassification.Server.Hosting;
using TextClassification.Server.Security;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Security headers, HSTS, HEAD and unusual methods, in memory (TestServer).</summary>
public sealed class HardeningTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    [Theory]
    [InlineData("GET", "/health/live")]
    [InlineData("GET", "/no/such/path")]
    [InlineData("GET", "/predict")]
    [InlineData("POST", "/predict")]
    public async Task EveryAnswerForbidsContentSniffing(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await factory.Client.SendAsync(request);

        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
    }

    [Theory]
    [InlineData("""{"text":"win a free prize now"}""", HttpStatusCode.OK)]
    [InlineData("""{"txt":"typo"}""", HttpStatusCode.BadRequest)]
    public async Task PredictAnswersAreNeverStoredByCaches(string body, HttpStatusCode status)
    {
        var response = await factory.PostJsonAsync(body);

        Assert.Equal(status, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
    }

    [Fact]
    public async Task HttpsAnswersToANamedHostCarryHsts()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://textclf.example") });

        var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(["max-age=31536000"], response.Headers.GetValues("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("https://localhost")]
    [InlineData("https://127.0.0.1")]
    [InlineData("http://textclf.example")]
    public async Task LoopbackHostsAndPlainHttpGetNoHsts(string baseAddress)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(baseAddress) });

        var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Theory]
    [InlineData("/no/such/path", HttpStatusCode.NotFound)]
    [InlineData("/predict", HttpStatusCode.MethodNotAllowed)]
    public async Task HeadAnswersCarryNoBody(string path, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, path);

        var response = await factory.Client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("TRACE", "/predict")]
    [InlineData("TRACE", "/no/such/path")]
    [InlineData("TRACK", "/")]
    [InlineData("PROPFIND", "/health")]
    public async Task UnusualMethodsGet405WithoutTheRequestEchoed(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("X-Secret-Token", "s3cr3t-value");

        var response = await factory.Client.SendAsync(request);

        var problem = await ServerFactory.ReadProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(["GET", "HEAD", "POST"], response.Content.Headers.Allow);
        string text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
        Assert.DoesNotContain(method, text, StringComparison.Ordinal);
        if (path.Length > 1)
        {
            Assert.DoesNotContain(path, text, StringComparison.Ordinal);
        }
        Assert.Contains("GET, HEAD, POST", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRequestBodyTimeoutDefaultsTo30Seconds()
    {
        var options = factory.Services.GetRequiredService<IOptions<RequestBodyOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestBodyTimeout);
    }

    [Fact]
    public void AppSettingsHoldsTheHardeningSettingsWithTheCodeDefaults()
    {
        var settings = JsonDocument.Parse(File.ReadAllText(RepoPaths.AppSettings)).RootElement;

        Assert.Equal(KestrelSettings.DefaultKeepAliveTimeout,
            TimeSpan.Parse(settings.GetProperty("Kestrel").GetProperty("Limits").GetProperty("KeepAliveTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new RequestBodyOptions().RequestBodyTimeout,
            TimeSpan.Parse(settings.GetProperty("Server").GetProperty("RequestBodyTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new HstsSettings().Enabled, settings.GetProperty("Hsts").GetProperty("Enabled").GetBoolean());
    }
}

/// <summary>Hsts:Enabled=false.</summary>
public sealed class HstsDisabledFactory : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Hsts:Enabled"] = "false" };
}

public sealed class HstsDisabledTests(HstsDisabledFactory factory) : IClassFixture<HstsDisabledFactory>
{
    [Fact]
    public async Task HstsCanBeTurnedOff()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://textclf.example") });

        var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
    }
}

public sealed class RequestBodyTimeoutSettingTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("02:00:00")]
    public async Task AnOutOfRangeRequestBodyTimeoutStopsStartupNamingTheKey(string value)
    {
        using var certificates = new TempDir();

        var (exitCode, _, errors) = await ServerProcess.RunToExitAsync(TimeSpan.FromSeconds(90), $"--Model:Path={TinyBundle.Path}",
            $"--Tls:CertificateDirectory={certificates.Path}", "--urls", "https://127.0.0.1:0", $"--{RequestBodyOptions.RequestBodyTimeoutKey}={value}");

        Assert.Equal(1, exitCode);
        Assert.Contains($"{RequestBodyOptions.RequestBodyTimeoutKey} must be between", errors, StringComparison.Ordinal);
    }
}
