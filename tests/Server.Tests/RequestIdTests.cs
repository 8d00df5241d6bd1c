using System.Net;
using System.Text;
using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

public sealed class RequestIdTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    private const string Header = "X-Request-Id";

    public static TheoryData<string> Answers => ["200", "400", "404", "413", "415"];

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task AClientRequestIdIsEchoedOnEveryAnswer(string status)
    {
        string id = $"client-{status}.{Guid.NewGuid():N}:1";

        var response = await SendAsync(status, id);

        Assert.Equal(status, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(id, Assert.Single(response.Headers.GetValues(Header)));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal(id, await ProblemRequestIdAsync(response));
        }
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task AHostileRequestIdIsReplacedNeverEchoed(string status)
    {
        foreach (string hostile in new[] { "has space", "<script>alert(1)</script>", "a;b=c", new string('a', 129), "ünïcode", "" })
        {
            var response = await SendAsync(status, hostile);

            string echoed = Assert.Single(response.Headers.GetValues(Header));
            Assert.NotEqual(hostile, echoed);
            Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", echoed);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Assert.Equal(echoed, await ProblemRequestIdAsync(response));
            }
        }
    }

    [Fact]
    public async Task ARequestWithoutAnIdGetsAFreshOne()
    {
        var first = await factory.Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var second = await factory.Client.GetAsync(new Uri("/health/live", UriKind.Relative));

        string one = Assert.Single(first.Headers.GetValues(Header));
        Assert.Matches("^[A-Za-z0-9._:-]{1,128}$", one);
        Assert.NotEqual(one, Assert.Single(second.Headers.GetValues(Header)));
    }

    [Fact]
    public async Task TheLongestAcceptableIdIsKept()
    {
        string id = new('x', 128);

        var response = await SendAsync("200", id);

        Assert.Equal(id, Assert.Single(response.Headers.GetValues(Header)));
    }

    [Fact]
    public async Task PredictAnswersSayWhereTheTimeWent()
    {
        var response = await factory.PostJsonAsync("{\"text\": \"win a free prize now\"}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string timing = Assert.Single(response.Headers.GetValues("Server-Timing"));
        var match = System.Text.RegularExpressions.Regex.Match(timing, @"^tokenize;dur=(\d+(\.\d+)?), queue;dur=(\d+(\.\d+)?), inference;dur=(\d+(\.\d+)?)$");
        Assert.True(match.Success, timing);
    }

    private Task<HttpResponseMessage> SendAsync(string status, string requestId)
    {
        var request = status switch
        {
            "200" => Post("{\"text\": \"free prize\"}"u8.ToArray(), "application/json"),
            "400" => Post("{\"text\": \"\"}"u8.ToArray(), "application/json"),
            "404" => new HttpRequestMessage(HttpMethod.Get, new Uri("/no-such-path", UriKind.Relative)),
            "413" => Post(Bodies.TextOfSize(Bodies.DefaultLimit + 1), "application/json"),
            "415" => Post("text"u8.ToArray(), "text/plain"),
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
        request.Headers.TryAddWithoutValidation(Header, Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(requestId)));
        return factory.Client.SendAsync(request);
    }

    private static HttpRequestMessage Post(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(HttpMethod.Post, new Uri("/predict", UriKind.Relative)) { Content = content };
    }

    private static async Task<string?> ProblemRequestIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(ServerFactory.ProblemContentType, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(problem.TryGetProperty("traceId", out _), "requestId sits next to traceId");
        return problem.GetProperty("requestId").GetString();
    }
}
