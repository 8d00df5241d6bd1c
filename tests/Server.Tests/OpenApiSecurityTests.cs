using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>
/// The OpenAPI document says what the running server requires: with keys on, the bearer scheme (the Swagger UI's
/// Authorize button, which makes try-it-out send the key) on each operation that needs a key; with limits on, the 429.
/// </summary>
public sealed class OpenApiSecurityTests(KeyedRateLimitedServerFactory secured, ServerFactory open)
    : IClassFixture<KeyedRateLimitedServerFactory>, IClassFixture<ServerFactory>
{
    [Fact]
    public async Task WithKeysOnTheDocumentDeclaresAnHttpBearerScheme()
    {
        var document = await DocumentAsync(secured);

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
    }

    [Theory]
    [InlineData("/predict", "post")]
    [InlineData("/model", "get")]
    public async Task AnOperationThatNeedsAKeyRequiresTheSchemeAndListsItsRefusals(string path, string method)
    {
        var operation = (await DocumentAsync(secured)).GetProperty("paths").GetProperty(path).GetProperty(method);

        var requirement = Assert.Single(operation.GetProperty("security").EnumerateArray());
        Assert.Equal(JsonValueKind.Array, requirement.GetProperty("apiKey").ValueKind);
        var responses = operation.GetProperty("responses");
        Assert.All(new[] { "401", "403", "429" }, status => Assert.True(responses.TryGetProperty(status, out _), $"{method} {path} does not list {status}"));
        Assert.True(responses.GetProperty("401").GetProperty("content").TryGetProperty(ServerFactory.ProblemContentType, out _));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/live")]
    [InlineData("/")]
    public async Task APublicOperationNeedsNoKeyAndIsNotRateLimited(string path)
    {
        var operation = (await DocumentAsync(secured)).GetProperty("paths").GetProperty(path).GetProperty("get");

        Assert.False(operation.TryGetProperty("security", out _));
        Assert.False(operation.GetProperty("responses").TryGetProperty("401", out _));
        Assert.False(operation.GetProperty("responses").TryGetProperty("429", out _));
    }

    [Fact]
    public async Task WithKeysAndLimitsOffTheDocumentDeclaresNeither()
    {
        var document = await DocumentAsync(open);

        Assert.False(document.TryGetProperty("components", out var components) && components.TryGetProperty("securitySchemes", out _));
        var predict = document.GetProperty("paths").GetProperty("/predict").GetProperty("post");
        Assert.False(predict.TryGetProperty("security", out _));
        Assert.False(predict.GetProperty("responses").TryGetProperty("401", out _));
        Assert.False(predict.GetProperty("responses").TryGetProperty("429", out _));
    }

    private static async Task<JsonElement> DocumentAsync(ServerFactory factory)
    {
        string json = await factory.Client.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative));
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}
