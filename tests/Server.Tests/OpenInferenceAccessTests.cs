using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TextClassification.Server.Lifecycle;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Keys, rate limits, readiness, draining and model names on the Open Inference endpoints: every refusal is a V2 error.</summary>
public sealed class OpenInferenceAccessTests
{
    private static string Model => Path.GetFileName(TinyBundle.Path);

    private static string Body(int texts) => OpenInferenceWire.JsonRequest([.. Enumerable.Repeat("win a prize", texts)]);

    [Theory]
    [InlineData("POST", "/v2/models/{model}/infer")]
    [InlineData("GET", "/v2/models/{model}")]
    [InlineData("GET", "/v2/models/{model}/ready")]
    [InlineData("GET", "/v2/models/{model}/versions/1/ready")]
    public async Task ModelEndpointsNeedAnInferenceKeyAndRefuseWithA401Error(string method, string path)
    {
        using var factory = new ApiKeyServerFactory();
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{model}", Model, StringComparison.Ordinal));
        request.Content = method == "POST" ? OpenInferenceWire.Json(Body(1)) : null;
        using var keyed = factory.ClientWith(ApiKeyServerFactory.InferenceKey);
        using var admin = factory.ClientWith(ApiKeyServerFactory.AdminKey);

        var refused = await factory.Client.SendAsync(request);
        string error = await OpenInferenceWire.ReadErrorAsync(refused, HttpStatusCode.Unauthorized);
        Assert.Contains("needs an API key", error, StringComparison.Ordinal);
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);

        using var again = new HttpRequestMessage(new HttpMethod(method), request.RequestUri) { Content = method == "POST" ? OpenInferenceWire.Json(Body(1)) : null };
        Assert.Equal(HttpStatusCode.OK, (await keyed.SendAsync(again)).StatusCode);

        using var forbidden = new HttpRequestMessage(new HttpMethod(method), request.RequestUri) { Content = method == "POST" ? OpenInferenceWire.Json(Body(1)) : null };
        await OpenInferenceWire.ReadErrorAsync(await admin.SendAsync(forbidden), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData("/v2")]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    public async Task ServerMetadataAndHealthArePublic(string path)
    {
        using var factory = new ApiKeyServerFactory();

        var response = await factory.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task InferCostsOnePermitPerTextAndARefusalIsA429Error()
    {
        using var factory = new RateLimitedServerFactory();
        string path = $"/v2/models/{Model}/infer";

        var accepted = await factory.SendAsync(path, Body(RateLimitedServerFactory.Burst), "192.0.2.90");
        var refused = await factory.SendAsync(path, Body(1), "192.0.2.90");
        var tooLarge = await factory.SendAsync(path, Body(RateLimitedServerFactory.Burst + 1), "192.0.2.91");
        var health = await factory.SendAsync("/v2/health/ready", null, "192.0.2.90");

        Assert.Equal(StatusCodes.Status200OK, accepted.Response.StatusCode);
        Assert.Contains("limit is", await ReadErrorAsync(refused, StatusCodes.Status429TooManyRequests), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(refused.Response.Headers.RetryAfter));
        Assert.Contains("RateLimit:Burst", await ReadErrorAsync(tooLarge, StatusCodes.Status429TooManyRequests), StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status200OK, health.Response.StatusCode);
    }

    [Fact]
    public async Task WithoutAModelReadinessIs503AndInferIsA503Error()
    {
        using var factory = new UnavailableModelFactory();
        string name = Path.GetFileName(UnavailableModelFactory.MissingPath);

        string ready = await OpenInferenceWire.ReadErrorAsync(await factory.Client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative)), HttpStatusCode.ServiceUnavailable);
        string modelReady = await OpenInferenceWire.ReadErrorAsync(
            await factory.Client.GetAsync(new Uri($"/v2/models/{name}/ready", UriKind.Relative)), HttpStatusCode.ServiceUnavailable);
        string infer = await OpenInferenceWire.ReadErrorAsync(
            await factory.Client.PostAsync(new Uri($"/v2/models/{name}/infer", UriKind.Relative), OpenInferenceWire.Json(Body(1))), HttpStatusCode.ServiceUnavailable);

        Assert.Contains("not loaded", ready, StringComparison.Ordinal);
        Assert.Contains("No model is loaded", modelReady, StringComparison.Ordinal);
        Assert.Contains("No model is loaded", infer, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await factory.Client.GetAsync(new Uri("/v2/health/live", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task WhileDrainingReadinessIs503LikeHealth()
    {
        using var factory = new ServerFactory();
        Assert.Equal(HttpStatusCode.OK, (await factory.Client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative))).StatusCode);

        factory.Services.GetRequiredService<DrainState>().Begin();

        string error = await OpenInferenceWire.ReadErrorAsync(await factory.Client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative)), HttpStatusCode.ServiceUnavailable);
        Assert.Contains("Draining", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await factory.Client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        await OpenInferenceWire.ReadErrorAsync(await factory.Client.GetAsync(new Uri($"/v2/models/{Model}/ready", UriKind.Relative)), HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task ModelNameAndVersionComeFromSettings()
    {
        using var factory = new SettingsFactory(new() { ["Model:Name"] = "spam-filter", ["Model:Version"] = "2026.12" });

        var metadata = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/v2/models/spam-filter/versions/2026.12", UriKind.Relative)));
        var answer = await OpenInferenceWire.ReadAnswerAsync(
            await factory.Client.PostAsync(new Uri("/v2/models/spam-filter/versions/2026.12/infer", UriKind.Relative), OpenInferenceWire.Json(Body(1))));

        Assert.Equal("spam-filter", metadata.GetProperty("name").GetString());
        Assert.Equal(["2026.12"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("2026.12", answer.Json.GetProperty("model_version").GetString());
        await OpenInferenceWire.ReadErrorAsync(await factory.Client.GetAsync(new Uri($"/v2/models/{Model}", UriKind.Relative)), HttpStatusCode.NotFound);
        await OpenInferenceWire.ReadErrorAsync(await factory.Client.GetAsync(new Uri("/v2/models/spam-filter/versions/1/ready", UriKind.Relative)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheVersionDefaultsToTheBundlesOwnAndTheNameToItsDirectory()
    {
        using var directory = new TempDir();
        string bundle = TinyBundle.CopyTo(directory.File("spam model (v7)"));
        string configPath = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["version"] = 7;
        File.WriteAllText(configPath, config.ToJsonString());
        using var factory = new SettingsFactory(new() { ["Model:Path"] = bundle });

        var metadata = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/v2/models/spam-model--v7-", UriKind.Relative)));

        Assert.Equal(["7"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await factory.Client.GetAsync(new Uri("/v2/models/spam-model--v7-/versions/7/ready", UriKind.Relative))).StatusCode);
    }

    private static async Task<string> ReadErrorAsync(HttpContext context, int status)
    {
        var response = context.Response;
        string body = await new StreamReader(response.Body).ReadToEndAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/json", response.ContentType?.Split(';')[0]);
        return JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
    }
}
