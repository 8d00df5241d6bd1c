using System.Text.Json;
using Microsoft.Extensions.Configuration;
using TextClassification.Server.Hosting;
using TextClassification.Server.Inference;
using TextClassification.Server.OpenApi;
using TextClassification.Server.Security;
using TextClassification.Server.Tests.Infrastructure;
using TextClassification.Server.Tls;

namespace TextClassification.Server.Tests;

public sealed class SettingsTests
{
    [Fact]
    public void AppSettingsAtTheRepositoryRootHoldsEverySettingWithTheCodeDefaults()
    {
        var settings = JsonDocument.Parse(File.ReadAllText(RepoPaths.AppSettings)).RootElement;

        Assert.Equal("https://*:5000", settings.GetProperty("Urls").GetString());
        var model = settings.GetProperty("Model");
        Assert.Equal(new ModelOptions().Path, model.GetProperty("Path").GetString());
        Assert.Equal(new ModelOptions().Required, model.GetProperty("Required").GetBoolean());
        Assert.Equal(new ModelOptions().MaxTextsPerRequest, model.GetProperty("MaxTextsPerRequest").GetInt32());
        Assert.Equal(new InferenceOptions().IntraOpThreads, settings.GetProperty("Inference").GetProperty("IntraOpThreads").GetInt32());
        Assert.Equal(1_048_576, settings.GetProperty("Kestrel").GetProperty("Limits").GetProperty("MaxRequestBodySize").GetInt64());
        Assert.Equal(new TlsOptions().CertificateDirectory, settings.GetProperty("Tls").GetProperty("CertificateDirectory").GetString());
        Assert.Equal(new ApiDocsOptions().Enabled, settings.GetProperty("Swagger").GetProperty("Enabled").GetBoolean());
        var auth = settings.GetProperty("Auth");
        Assert.Empty(auth.GetProperty("ApiKeys").EnumerateArray());
        Assert.Empty(auth.GetProperty("AdminKeys").EnumerateArray());
        Assert.Equal("", auth.GetProperty("ApiKeysFile").GetString());
        Assert.Equal(new RateLimitOptions().PermitsPerSecond, settings.GetProperty("RateLimit").GetProperty("PermitsPerSecond").GetDouble());
        Assert.Equal(new RateLimitOptions().Burst, settings.GetProperty("RateLimit").GetProperty("Burst").GetInt32());
        Assert.Equal(new ForwardedHeadersSettings().ForwardLimit, settings.GetProperty("ForwardedHeaders").GetProperty("ForwardLimit").GetInt32());
        Assert.Empty(settings.GetProperty("ForwardedHeaders").GetProperty("KnownProxies").EnumerateArray());
        Assert.True(settings.TryGetProperty("Logging", out _));
    }

    [Fact]
    public void TheAppSettingsBesideTheBinaryIsACopyOfTheRepositoryFile()
    {
        Assert.Equal(File.ReadAllText(RepoPaths.AppSettings), File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")));
    }

    [Theory]
    [InlineData("https://*:5000", "https://127.0.0.1:5000/")]
    [InlineData("https://0.0.0.0:5000", "https://127.0.0.1:5000/")]
    [InlineData("https://+:443", "https://127.0.0.1/")]
    [InlineData("https://[::]:5000", "https://[::1]:5000/")]
    [InlineData("http://localhost:8080;https://*:5000", "http://127.0.0.1:8080/")]
    [InlineData(" https://127.0.0.1:7001/ ", "https://127.0.0.1:7001/")]
    [InlineData(null, "https://127.0.0.1:5000/")]
    public void TheHealthProbeTargetsTheFirstUrlOnLoopback(string? urls, string expected)
    {
        Assert.Equal(new Uri(expected), HealthProbe.LocalBaseUri(urls));
    }

    [Fact]
    public void AStartupFailureIsDescribedOnOneLineWithItsCauses()
    {
        var failure = new InvalidOperationException("Failed to bind to address https://0.0.0.0:5000.",
            new IOException("address already in use\nsecond line"));

        Assert.Equal("Failed to bind to address https://0.0.0.0:5000.: address already in use second line", StartupFailure.Describe(failure));
    }
}

public sealed class CertificateConfigurationTests
{
    [Theory]
    [InlineData(false, new string[0])]
    [InlineData(true, new[] { "Kestrel:Certificates:Default:Path=/tls/cert.pem" })]
    [InlineData(true, new[] { "Kestrel:Endpoints:Main:Url=https://*:5001", "Kestrel:Endpoints:Main:Certificate:Path=/tls/cert.pem" })]
    [InlineData(false, new[] { "Kestrel:Endpoints:Main:Url=https://*:5001", "Kestrel:Endpoints:Other:Url=https://*:5002", "Kestrel:Endpoints:Other:Certificate:Path=/tls/c.pem" })]
    [InlineData(true, new[] { "Kestrel:Endpoints:Plain:Url=http://*:8080" })]
    public void ACertificateIsGeneratedOnlyWhenSomeHttpsEndpointHasNoneConfigured(bool configured, string[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])))
            .Build();

        Assert.Equal(configured, TlsServiceCollectionExtensions.CertificateConfigured(configuration));
    }
}
