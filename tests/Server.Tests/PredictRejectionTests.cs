using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Every malformed request gets a 4xx problem answer that says what is wrong; none gets a 500.</summary>
public sealed class PredictRejectionTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    public static TheoryData<string, string> NotStrictJson => new()
    {
        { "", "empty" },
        { "   \r\n ", "empty" },
        { """{"text":"a""", "not valid JSON" },
        { """{"text":"a",}""", "trailing comma" },
        { """{"texts":["a","b",]}""", "trailing comma" },
        { """{"text":"a"} // comment""", "not valid JSON" },
        { """{"text":/* comment */"a"}""", "not valid JSON" },
        { "{'text':'a'}", "not valid JSON" },
        { """{"text":NaN}""", "not valid JSON" },
        { """{"text":"a"}{"text":"b"}""", "invalid after a single JSON value" },
        { """{"text":"a"} x""", "invalid after a single JSON value" },
        { """{text:"a"}""", "not valid JSON" },
        { """{"text":"a\x"}""", "not valid JSON" },
    };

    public static TheoryData<string, string> WrongShape => new()
    {
        { "[]", "must be a JSON object, not an array" },
        { """["a"]""", "must be a JSON object, not an array" },
        { "\"a text\"", "must be a JSON object, not a string" },
        { "42", "must be a JSON object, not a number" },
        { "null", "must be a JSON object, not null" },
        { "true", "must be a JSON object, not a boolean" },
        { "{}", "neither \"text\" nor \"texts\"" },
        { """{"text":"a","texts":["b"]}""", "both \"text\" and \"texts\"" },
        { """{"text":null}""", "\"text\" must be a string, not null" },
        { """{"text":5}""", "\"text\" must be a string, not a number" },
        { """{"text":["a"]}""", "\"text\" must be a string, not an array" },
        { """{"text":{"a":1}}""", "\"text\" must be a string, not an object" },
        { """{"text":true}""", "\"text\" must be a string, not a boolean" },
        { """{"texts":null}""", "\"texts\" must be an array of strings, not null" },
        { """{"texts":"a"}""", "\"texts\" must be an array of strings, not a string" },
        { """{"texts":["a",null]}""", "\"texts[1]\" must be a string, not null" },
        { """{"texts":["a",7]}""", "\"texts[1]\" must be a string, not a number" },
        { """{"texts":[["a"]]}""", "\"texts[0]\" must be a string, not an array" },
        { """{"text":"a","lang":"en"}""", "Unknown property \"lang\"" },
        { """{"Text":"a"}""", "Unknown property \"Text\"" },
        { """{"text":"a","text":"b"}""", "\"text\" appears more than once" },
        { """{"text":"\ud800"}""", "unpaired UTF-16 surrogate" },
    };

    public static TheoryData<string, string> EmptyTexts => new()
    {
        { """{"text":""}""", "\"text\" is empty or whitespace-only" },
        { """{"text":"   "}""", "\"text\" is empty or whitespace-only" },
        { """{"text":"\t\r\n\u00a0\u2003"}""", "\"text\" is empty or whitespace-only" },
        { """{"texts":[]}""", "\"texts\" is empty" },
        { """{"texts":["fine"," "]}""", "\"texts[1]\" is empty or whitespace-only" },
    };

    [Theory]
    [MemberData(nameof(NotStrictJson))]
    public async Task PredictRejectsABodyThatIsNotStrictJson(string body, string detail) => await AssertRejectedAsync(body, detail);

    [Theory]
    [MemberData(nameof(WrongShape))]
    public async Task PredictRejectsABodyOfTheWrongShape(string body, string detail) => await AssertRejectedAsync(body, detail);

    [Theory]
    [MemberData(nameof(EmptyTexts))]
    public async Task PredictRejectsEmptyTexts(string body, string detail) => await AssertRejectedAsync(body, detail);

    [Fact]
    public async Task PredictRejectsInvalidUtf8()
    {
        byte[] body = [.. "{\"text\":\"caf"u8, 0xC3, 0x28, .. "\"}"u8];

        var problem = await ServerFactory.ReadProblemAsync(await factory.PostBytesAsync(body), HttpStatusCode.BadRequest);

        Assert.Contains("not valid UTF-8", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("offset 12", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictRejectsMoreTextsThanMaxTextsPerRequest()
    {
        var response = await factory.PostJsonAsync(JsonSerializer.Serialize(new { texts = Enumerable.Repeat("hello", 257) }));

        var problem = await ServerFactory.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("257", problem.Detail, StringComparison.Ordinal);
        Assert.Contains("Model:MaxTextsPerRequest", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictRejectsTenThousandLevelsOfNestingQuickly()
    {
        string body = "{\"text\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        var watch = Stopwatch.StartNew();
        var problem = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync(body), HttpStatusCode.BadRequest);

        Assert.Contains("depth of 64", problem.Detail, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task PredictRejectsATenThousandDigitNumberQuickly()
    {
        var watch = Stopwatch.StartNew();
        var asText = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync("{\"text\":" + new string('9', 10_000) + "}"), HttpStatusCode.BadRequest);
        var asBody = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync("1" + new string('0', 10_000)), HttpStatusCode.BadRequest);

        Assert.Contains("must be a string, not a number", asText.Detail, StringComparison.Ordinal);
        Assert.Contains("not a number", asBody.Detail, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task PredictAnswers413ForABodyOverTheLimitWithContentLength()
    {
        var response = await factory.PostBytesAsync(Bodies.TextOfSize(Bodies.DefaultLimit + 1));

        var problem = await ServerFactory.ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1048576", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictAnswers413ForAChunkedBodyOverTheLimit()
    {
        using var content = new StreamContent(new UnknownLengthStream(Bodies.TextOfSize(3 * Bodies.DefaultLimit)));
        content.Headers.ContentType = new("application/json");

        var response = await factory.Client.PostAsync(new Uri("/predict", UriKind.Relative), content);

        Assert.Null(content.Headers.ContentLength);
        await ServerFactory.ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task PredictAcceptsAChunkedBodyOfExactlyTheLimit()
    {
        using var content = new StreamContent(new UnknownLengthStream(Bodies.TextOfSize(Bodies.DefaultLimit)));
        content.Headers.ContentType = new("application/json");

        var response = await factory.Client.PostAsync(new Uri("/predict", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json-patch+json")]
    [InlineData("application/problem+json")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("not a media type")]
    public async Task PredictAnswers415ForAContentTypeOtherThanJson(string contentType)
    {
        var problem = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync("""{"text":"hello"}""", contentType), HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("application/json", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictAnswers415WithoutAContentType()
    {
        var problem = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync("""{"text":"hello"}""", contentType: null), HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("no Content-Type", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public async Task PredictAnswers405WithAllowPostForOtherMethods(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/predict");
        if (method is "PUT" or "PATCH")
        {
            request.Content = new StringContent("""{"text":"hello"}""", Encoding.UTF8, "application/json");
        }

        var response = await factory.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        if (method != "HEAD")
        {
            var problem = await ServerFactory.ReadProblemAsync(response, HttpStatusCode.MethodNotAllowed);
            Assert.Contains("allowed: POST", problem.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RandomBodiesAreAnsweredWith200Or400NeverA500()
    {
        var random = new Random(20261126);
        string[] fragments = ["{", "}", "[", "]", "\"text\"", "\"texts\"", ":", ",", "\"a\"", "null", "1e999", "-0", "true", "\"\\u0000\"", "\"\\ud83d\"", " ", "\"é😀\""];
        for (int i = 0; i < 300; i++)
        {
            byte[] body = i % 3 == 0
                ? [.. Enumerable.Range(0, random.Next(0, 64)).Select(_ => (byte)random.Next(256))]
                : Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, random.Next(1, 24)).Select(_ => fragments[random.Next(fragments.Length)])));

            var response = await factory.PostBytesAsync(body);

            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest,
                $"{(int)response.StatusCode} for {Convert.ToHexString(body)}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task AssertRejectedAsync(string body, string detail)
    {
        var problem = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync(body), HttpStatusCode.BadRequest);

        Assert.Equal("Invalid request", problem.Title);
        Assert.Contains(detail, problem.Detail, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A stream that hides its length, so the client sends the body without Content-Length (chunked).</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
