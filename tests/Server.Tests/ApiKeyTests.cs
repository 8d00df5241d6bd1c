using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>With keys configured: who gets in where, and what a refusal looks like (RFC 6750 challenge, problem details, a log line).</summary>
public sealed class ApiKeyTests(ApiKeyServerFactory factory) : IClassFixture<ApiKeyServerFactory>
{
    private const string PredictBody = """{"text":"win a free prize now"}""";

    public static TheoryData<string, string> ProtectedEndpoints => new()
    {
        { "POST", "/predict" },
        { "POST", "/embed" },
        { "GET", "/model" },
    };

    public static TheoryData<string> PublicPaths => ["/", "/health", "/health/live", "/swagger/v1/swagger.json", "/swagger/index.html", "/metrics"];

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task AProtectedEndpointWithoutAKeyIsRefusedWith401AndABearerChallenge(string method, string path)
    {
        var response = await factory.Client.SendAsync(Request(method, path));

        var problem = await ServerFactory.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        Assert.Contains("Authorization: Bearer", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ProtectedEndpoints))]
    public async Task AProtectedEndpointWithAWrongKeyIsRefusedWith401AndInvalidToken(string method, string path)
    {
        using var client = factory.ClientWith("not-the-key-0123456789abcdef0123456789abcdef");

        var response = await client.SendAsync(Request(method, path));

        var problem = await ServerFactory.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal("error=\"invalid_token\"", challenge.Parameter);
        Assert.Contains("not valid", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApiKeyServerFactory.InferenceKey + "x")]
    [InlineData("inference-key-0123456789abcdef0123456789abcde")]
    [InlineData("INFERENCE-KEY-0123456789ABCDEF0123456789ABCDEF")]
    [InlineData(ApiKeyServerFactory.AdminKey + " " + ApiKeyServerFactory.InferenceKey)]
    public async Task AKeyThatDiffersFromAnAcceptedOneInAnyWayIsRefused(string key)
    {
        using var client = factory.ClientWith(key);

        var response = await client.PostAsync(new Uri("/predict", UriKind.Relative), Json(PredictBody));

        await ServerFactory.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Token " + ApiKeyServerFactory.InferenceKey)]
    public async Task AnotherAuthorizationSchemeCountsAsNoKey(string authorization)
    {
        using var request = Request("POST", "/predict");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await factory.Client.SendAsync(request);

        await ServerFactory.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Theory]
    [InlineData(ApiKeyServerFactory.InferenceKey)]
    [InlineData(ApiKeyServerFactory.OtherInferenceKey)]
    public async Task EveryInferenceKeyFromSettingsIsAcceptedOnEveryProtectedEndpoint(string key)
    {
        using var client = factory.ClientWith(key);

        var prediction = await ServerFactory.ReadOkAsync(await client.PostAsync(new Uri("/predict", UriKind.Relative), Json(PredictBody)));
        var model = await ServerFactory.ReadOkAsync(await client.GetAsync(new Uri("/model", UriKind.Relative)));

        Assert.Equal("spam", prediction.GetProperty("label").GetString());
        Assert.Equal(TinyBundle.Labels, model.GetProperty("labels").EnumerateArray().Select(label => label.GetString()));
    }

    [Theory]
    [InlineData("bearer " + ApiKeyServerFactory.InferenceKey)]
    [InlineData("BEARER   " + ApiKeyServerFactory.InferenceKey + "  ")]
    public async Task TheBearerSchemeIsCaseInsensitiveAndSpacesAroundTheKeyAreIgnored(string authorization)
    {
        using var request = Request("POST", "/predict");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await factory.Client.SendAsync(request);

        await ServerFactory.ReadOkAsync(response);
    }

    [Fact]
    public async Task AnAdminKeyOnAnInferenceEndpointIsForbiddenWith403()
    {
        using var client = factory.ClientWith(ApiKeyServerFactory.AdminKey);

        var response = await client.PostAsync(new Uri("/predict", UriKind.Relative), Json(PredictBody));

        var problem = await ServerFactory.ReadProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("\"inference\"", problem.Detail, StringComparison.Ordinal);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [MemberData(nameof(PublicPaths))]
    public async Task PublicEndpointsAnswerWithoutAKey(string path)
    {
        var response = await factory.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AWrongKeyOnAPublicEndpointIsIgnored()
    {
        using var client = factory.ClientWith("not-the-key-0123456789abcdef0123456789abcdef");

        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task APathWithoutAnEndpointNeedsAKeyBeforeItIsA404()
    {
        using var client = factory.ClientWith(ApiKeyServerFactory.InferenceKey);

        var anonymous = await factory.Client.GetAsync(new Uri("/no/such/path", UriKind.Relative));
        var withKey = await client.GetAsync(new Uri("/no/such/path", UriKind.Relative));

        await ServerFactory.ReadProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        await ServerFactory.ReadProblemAsync(withKey, HttpStatusCode.NotFound);
    }

    [Fact]
    public void EveryEndpointDeclaresWhetherItNeedsAKey()
    {
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint => Assert.True(
            endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(data => data.Policy is not null),
            $"{endpoint.DisplayName} ({endpoint.RoutePattern.RawText}) declares neither AllowAnonymous nor RequireAuthorization(policy)"));
    }

    [Fact]
    public async Task ARefusalIsLoggedWithTheClientAndRequestIdButNeverTheKey()
    {
        const string WrongKey = "wrong-key-that-must-never-be-logged-0123456789";
        using var client = factory.ClientWith(WrongKey);

        var response = await client.PostAsync(new Uri("/predict", UriKind.Relative), Json(PredictBody));

        await ServerFactory.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        string traceId = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("traceId").GetString()!;
        var logs = factory.Logs.GetSnapshot();
        var refusal = Assert.Single(logs, record => record.Id.Id == 321 && record.Message.Contains(traceId, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, refusal.Level);
        Assert.Contains("POST /predict", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(" from ", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, record => record.Message.Contains(WrongKey, StringComparison.Ordinal)
            || record.Message.Contains(ApiKeyServerFactory.InferenceKey, StringComparison.Ordinal));
    }

    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = Json(PredictBody);
        }
        return request;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
