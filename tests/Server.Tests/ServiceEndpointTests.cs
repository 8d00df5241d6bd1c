using System.Net;
using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

public sealed class ServiceEndpointTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task RootDescribesTheServiceModelLimitsAndLinks()
    {
        var info = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/", UriKind.Relative)));

        Assert.Equal("textclf-server", info.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(info.GetProperty("version").GetString()));
        var model = info.GetProperty("model");
        Assert.Equal("Ready", model.GetProperty("status").GetString());
        Assert.Equal(TinyBundle.Labels, model.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var limits = info.GetProperty("limits");
        Assert.Equal(256, limits.GetProperty("maxTextsPerRequest").GetInt32());
        Assert.Equal(1_048_576, limits.GetProperty("maxRequestBodySize").GetInt64());
        var links = info.GetProperty("links");
        Assert.Equal("/swagger", links.GetProperty("swagger").GetString());
        Assert.Equal("/predict", links.GetProperty("predict").GetString());
        Assert.Equal("/health", links.GetProperty("health").GetString());
    }

    [Fact]
    public async Task HealthIsHealthyOnceTheModelIsLoaded()
    {
        var response = await factory.Client.GetAsync(new Uri("/health", UriKind.Relative));

        var health = await ServerFactory.ReadOkAsync(response);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks")[0].GetProperty("status").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task LivenessAnswers200()
    {
        var live = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/health/live", UriKind.Relative)));

        Assert.Equal("Healthy", live.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ModelDescribesTheServedBundle()
    {
        var model = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/model", UriKind.Relative)));

        Assert.Equal("text_classification", model.GetProperty("architecture").GetString());
        Assert.Equal(TinyBundle.Labels, model.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        long vocab = model.GetProperty("vocabSize").GetInt64();
        Assert.Equal(8, model.GetProperty("embedDim").GetInt64());
        Assert.Equal(vocab * 8 + 2 * 8 + 2, model.GetProperty("parameterCount").GetInt64());
        string sha = model.GetProperty("weightsSha256").GetString()!;
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(TinyBundle.Path, "model_weights.pth")))), sha);
        Assert.True(model.GetProperty("loadMilliseconds").GetDouble() > 0);
        Assert.True(model.GetProperty("loadedAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.Equal("Server.Tests", model.GetProperty("provenance").GetProperty("trainer").GetString());
    }

    [Theory]
    [InlineData("/nope")]
    [InlineData("/predict/extra")]
    [InlineData("/health/ready/now")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/..%2f..%2fetc%2fpasswd")]
    [InlineData("/swagger/..%2f..%2f..%2fetc%2fpasswd")]
    [InlineData("/appsettings.json")]
    [InlineData("/Server.dll")]
    public async Task UnknownPathsAnswer404WithoutFileContents(string path)
    {
        var response = await factory.Client.GetAsync(new Uri(path, UriKind.Relative));

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}");
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Model\"", body, StringComparison.Ordinal);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            await ServerFactory.ReadProblemAsync(response, HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task SwaggerDocumentDescribesEveryEndpointWithItsErrors()
    {
        var document = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative)));

        var paths = document.GetProperty("paths");
        Assert.Equal(["/", "/embed", "/health", "/health/live", "/model", "/predict", "/v2", "/v2/health/live", "/v2/health/ready", "/v2/models/{name}",
            "/v2/models/{name}/infer", "/v2/models/{name}/ready", "/v2/models/{name}/versions/{version}", "/v2/models/{name}/versions/{version}/infer",
            "/v2/models/{name}/versions/{version}/ready"], paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var predict = paths.GetProperty("/predict").GetProperty("post");
        var requestBody = predict.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        Assert.Contains("Congratulations", requestBody.GetProperty("examples").GetProperty("one text").GetProperty("value").GetProperty("text").GetString(),
            StringComparison.Ordinal);
        var responses = predict.GetProperty("responses");
        foreach (string status in new[] { "400", "413", "415", "503" })
        {
            var problem = responses.GetProperty(status).GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
            Assert.EndsWith("ProblemDetails", problem.GetProperty("$ref").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(2, responses.GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("oneOf").GetArrayLength());
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Equal(2, requestBody.GetProperty("schema").GetProperty("oneOf").GetArrayLength());
        Assert.Contains("text", schemas.GetProperty("PredictTextRequest").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains("texts", schemas.GetProperty("PredictBatchRequest").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.True(schemas.TryGetProperty("PredictionResult", out _));
        Assert.Equal("503", paths.GetProperty("/health").GetProperty("get").GetProperty("responses").EnumerateObject().Last().Name);
        var embed = paths.GetProperty("/embed").GetProperty("post");
        Assert.Equal(2, embed.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("oneOf").GetArrayLength());
        foreach (string status in new[] { "400", "413", "415", "503" })
        {
            Assert.True(embed.GetProperty("responses").TryGetProperty(status, out _), $"/embed documents no {status}");
        }
        Assert.True(schemas.TryGetProperty("ExplanationResult", out _));
    }

    [Fact]
    public async Task SwaggerShowsAnExplainedExampleWithWhatTheServedModelAnswers()
    {
        var document = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative)));
        var predict = document.GetProperty("paths").GetProperty("/predict").GetProperty("post");
        var request = predict.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("examples").GetProperty("explained").GetProperty("value");
        var answer = predict.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("examples").GetProperty("explained").GetProperty("value");

        Assert.True(request.GetProperty("explain").GetBoolean());
        var served = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(request.GetRawText()));
        Assert.True(JsonElement.DeepEquals(served, answer), answer.GetRawText());
        Assert.True(answer.GetProperty("explanation").GetProperty("tokens").GetArrayLength() > 0);
    }

    [Fact]
    public async Task SwaggerExamplesShowWhatTheServedModelAnswersAndTheConfiguredLimits()
    {
        var document = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative)));
        var predict = document.GetProperty("paths").GetProperty("/predict").GetProperty("post");
        var request = predict.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("examples");
        var answers = predict.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("examples");

        string text = request.GetProperty("one text").GetProperty("value").GetProperty("text").GetString()!;
        var served = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { text })));
        Assert.True(JsonElement.DeepEquals(served, answers.GetProperty("one text").GetProperty("value")), answers.GetProperty("one text").GetRawText());
        var texts = request.GetProperty("batch").GetProperty("value").GetProperty("texts");
        var servedBatch = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { texts })));
        Assert.True(JsonElement.DeepEquals(servedBatch, answers.GetProperty("batch").GetProperty("value")), answers.GetProperty("batch").GetRawText());
        string tooLarge = predict.GetProperty("responses").GetProperty("413").GetProperty("description").GetString()!;
        Assert.Contains("1048576 bytes", tooLarge, StringComparison.Ordinal);
        Assert.Contains("more than 256 texts", predict.GetProperty("responses").GetProperty("400").GetProperty("description").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwaggerUiIsServed()
    {
        var response = await factory.Client.GetAsync(new Uri("/swagger/index.html", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ResponsesAreCamelCaseJson()
    {
        var response = await factory.PostJsonAsync("""{"texts":["hello"]}""");

        string text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"predictions\":[{\"label\":", text, StringComparison.Ordinal);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(text).RootElement.ValueKind);
    }
}

public sealed class SwaggerDisabledTests(SwaggerDisabledFactory factory) : IClassFixture<SwaggerDisabledFactory>
{
    [Theory]
    [InlineData("/swagger/v1/swagger.json")]
    [InlineData("/swagger/index.html")]
    [InlineData("/swagger")]
    public async Task SwaggerIsNotServedWhenDisabled(string path)
    {
        var response = await factory.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RootOmitsTheSwaggerLinkWhenDisabled()
    {
        var info = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/", UriKind.Relative)));

        Assert.Equal(JsonValueKind.Null, info.GetProperty("links").GetProperty("swagger").ValueKind);
    }
}

public sealed class UnavailableModelTests(UnavailableModelFactory factory) : IClassFixture<UnavailableModelFactory>
{
    [Fact]
    public async Task HealthAnswers503AndSaysWhyWhenTheModelCouldNotBeLoaded()
    {
        var response = await factory.Client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", health.GetProperty("status").GetString());
        string why = health.GetProperty("checks")[0].GetProperty("description").GetString()!;
        Assert.Contains("nonexistent/textclf-model: does not exist", why, StringComparison.Ordinal);
        Assert.DoesNotContain(UnavailableModelFactory.MissingPath, why, StringComparison.Ordinal); // the server's paths stay in its log
    }

    [Fact]
    public async Task PredictAnswers503WhenTheModelCouldNotBeLoaded()
    {
        var problem = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync("""{"text":"hello"}"""), HttpStatusCode.ServiceUnavailable);

        Assert.Contains("does not exist", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(UnavailableModelFactory.MissingPath, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelAnswers503WhenTheModelCouldNotBeLoaded()
    {
        await ServerFactory.ReadProblemAsync(await factory.Client.GetAsync(new Uri("/model", UriKind.Relative)), HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task LivenessAndRootStillAnswer200()
    {
        Assert.Equal(HttpStatusCode.OK, (await factory.Client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        var info = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/", UriKind.Relative)));
        Assert.Equal("Failed", info.GetProperty("model").GetProperty("status").GetString());
    }
}
