using System.Net;
using System.Text;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

public sealed class OpenInferenceRejectionTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    private const string Input = """{"name":"text","shape":[1],"datatype":"BYTES","data":["hello"]}""";

    private static Uri Infer => new($"/v2/models/{Path.GetFileName(TinyBundle.Path)}/infer", UriKind.Relative);

    /// <summary>Every row of the issue's error table, in JSON: the body, and what the error must say.</summary>
    public static TheoryData<string, string> InvalidJson => new()
    {
        { "", "has no JSON" },
        { "[]", "must be a JSON object, not an array" },
        { "{\"inputs\":", "not valid JSON" },
        { "{}", "no \"inputs\"" },
        { "{\"inputs\":[]}", "the input \"text\" is missing" },
        { "{\"inputs\":{}}", "\"inputs\" must be an array" },
        { $"{{\"inputs\":[{Input},{Input}]}}", "the model takes one" },
        { "{\"inputs\":[{\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}", "needs a \"name\"" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1.5]}]}", "has datatype \"FP32\"; the model takes BYTES" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"bytes\",\"data\":[\"a\"]}]}", "has datatype \"bytes\"" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"data\":[\"a\"]}]}", "needs a \"datatype\"" },
        { "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}", "needs a \"shape\"" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}", "has 1 elements in \"data\" but its shape says 2" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\"]}]}", "has 2 elements in \"data\" but its shape says 1" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[2,2],\"datatype\":\"BYTES\",\"data\":[\"a\",\"b\",\"c\",\"d\"]}]}", "has shape [2, 2]" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1,1,1],\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}", "has shape [1, 1, 1]" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[-1],\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}", "shape dimension -1" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1.5],\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}", "shape dimension 1.5" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[0],\"datatype\":\"BYTES\",\"data\":[]}]}", "no texts" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"  \"]}]}", "data[0] is empty or whitespace-only" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[2,1],\"datatype\":\"BYTES\",\"data\":[[\"a\"],[\"\"]]}]}", "data[1][0] is empty" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[5]}]}", "data[0] must be a string (a BYTES element), not a number" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[[\"a\"]]}]}", "data[0] must be a string" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[2,1],\"datatype\":\"BYTES\",\"data\":[[\"a\",\"b\"],[\"c\"]]}]}", "data[0] has 2 elements" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":\"a\"}]}", "\"data\" must be an array" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\"}]}", "neither \"data\" nor parameters.binary_data_size" },
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"\\ud800\"]}]}", "unpaired UTF-16 surrogate" },
        { $"{{\"inputs\":[{Input}],\"outputs\":[{{\"name\":\"scores\"}}]}}", "Unknown output \"scores\"; the model's outputs are \"label\", \"probabilities\", \"logits\"" },
        { $"{{\"inputs\":[{Input}],\"outputs\":[{{\"name\":\"label\"}},{{\"name\":\"label\"}}]}}", "asked for more than once" },
        { $"{{\"inputs\":[{Input}],\"outputs\":[{{}}]}}", "outputs[0] needs a \"name\"" },
        { $"{{\"inputs\":[{Input}],\"outputs\":[{{\"name\":\"probabilities\",\"parameters\":{{\"classification\":0}}}}]}}", "classification must be a whole number of classes, at least 1" },
        { $"{{\"inputs\":[{Input}],\"outputs\":[{{\"name\":\"probabilities\",\"parameters\":{{\"classification\":3}}}}]}}", "asks for classification 3; the model has 2 classes" },
        { $"{{\"inputs\":[{Input}],\"outputs\":[{{\"name\":\"probabilities\",\"parameters\":{{\"classification\":\"2\"}}}}]}}", "classification must be a whole number" },
        { $"{{\"inputs\":[{Input}],\"outputs\":[{{\"name\":\"label\",\"parameters\":{{\"classification\":1}}}}]}}", "not to \"label\"" },
        { $"{{\"inputs\":[{Input}],\"outputs\":[{{\"name\":\"label\",\"parameters\":{{\"binary_data\":\"yes\"}}}}]}}", "binary_data in the output \"label\"'s parameters must be true or false" },
        { $"{{\"inputs\":[{Input}],\"parameters\":{{\"binary_data_output\":1}}}}", "binary_data_output in parameters must be true or false" },
        { $"{{\"id\":7,\"inputs\":[{Input}]}}", "\"id\" must be a string, not a number" },
        { $"{{\"inputs\":[{Input}],\"inputs\":[{Input}]}}", "\"inputs\" appears more than once" },
    };

    [Theory]
    [MemberData(nameof(InvalidJson))]
    public async Task AnInvalidRequestIs400WithAnErrorSayingWhatIsWrong(string body, string expected)
    {
        var response = await factory.Client.PostAsync(Infer, OpenInferenceWire.Json(body));

        string error = await OpenInferenceWire.ReadErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task MoreTextsThanMaxTextsPerRequestIs400NamingTheSetting()
    {
        string[] texts = [.. Enumerable.Repeat("hello", 257)];

        var response = await factory.Client.PostAsync(Infer, OpenInferenceWire.Json(OpenInferenceWire.JsonRequest(texts)));

        string error = await OpenInferenceWire.ReadErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("has 257 texts; at most 256 are accepted per request (Model:MaxTextsPerRequest)", error, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[], long?, string> InvalidBinary => new()
    {
        // binary_data_size larger than what follows the JSON
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":100}}]}", [5, 0, 0, 0, .. "hello"u8], null, "binary_data_size is 100 but 9 bytes follow the JSON" },
        // bytes left over after the tensor
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":9}}]}", [5, 0, 0, 0, .. "hello"u8, 1, 2], null, "2 bytes after" },
        // an element's length runs past the tensor
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":9}}]}", [50, 0, 0, 0, .. "hello"u8], null, "is 50 bytes long but only 5 bytes" },
        // fewer elements than the shape
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[2],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":9}}]}", [5, 0, 0, 0, .. "hello"u8], null, "holds 1 elements; its shape says 2" },
        // more elements than the shape
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":14}}]}", [5, 0, 0, 0, .. "hello"u8, 1, 0, 0, 0, (byte)'x'], null, "5 bytes after its 1 elements" },
        // not UTF-8
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":6}}]}", [2, 0, 0, 0, 0xC3, 0x28], null, "not valid UTF-8" },
        // an empty element
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":4}}]}", [0, 0, 0, 0], null, "is empty or whitespace-only" },
        // data and binary_data_size together
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"a\"],\"parameters\":{\"binary_data_size\":9}}]}", [5, 0, 0, 0, .. "hello"u8], null, "both \"data\" and parameters.binary_data_size" },
        // binary bytes but the input is JSON
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"a\"]}]}", [5, 0, 0, 0, .. "hello"u8], null, "9 bytes follow the JSON" },
        // a negative size
        { "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":-9}}]}", [5, 0, 0, 0, .. "hello"u8], null, "binary_data_size must be a whole number of bytes" },
        // the header length is past the end of the body
        { "{\"inputs\":[]}", [], 1000, "Inference-Header-Content-Length is 1000 but the body has" },
    };

    [Theory]
    [MemberData(nameof(InvalidBinary))]
    public async Task InvalidBinaryTensorDataIs400WithAnError(string header, byte[] binary, long? headerLength, string expected)
    {
        var response = await factory.Client.PostAsync(Infer, OpenInferenceWire.Binary(header, binary, headerLength: headerLength));

        string error = await OpenInferenceWire.ReadErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("ten")]
    [InlineData("99999999999999999999999")]
    public async Task AnInvalidHeaderLengthIs400(string value)
    {
        var content = OpenInferenceWire.Json("{}");
        content.Headers.TryAddWithoutValidation(OpenInferenceWire.HeaderLength, value);

        string error = await OpenInferenceWire.ReadErrorAsync(await factory.Client.PostAsync(Infer, content), HttpStatusCode.BadRequest);

        Assert.Contains("Inference-Header-Content-Length must be the JSON's length in bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BinaryDataSizeWithoutTheHeaderLengthSaysTheHeaderIsMissing()
    {
        var content = OpenInferenceWire.Json("{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":9}}]}");

        string error = await OpenInferenceWire.ReadErrorAsync(await factory.Client.PostAsync(Infer, content), HttpStatusCode.BadRequest);

        Assert.Contains("is Inference-Header-Content-Length missing?", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherMediaTypeIs415WithAnError()
    {
        var response = await factory.Client.PostAsync(Infer, OpenInferenceWire.Json(OpenInferenceWire.JsonRequest(["hello"]), "text/plain"));

        string error = await OpenInferenceWire.ReadErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("Content-Type \"text/plain\" is not supported", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413WithAnError()
    {
        string text = new('a', Bodies.DefaultLimit);

        var response = await factory.Client.PostAsync(Infer, OpenInferenceWire.Json(OpenInferenceWire.JsonRequest([text])));

        string error = await OpenInferenceWire.ReadErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1048576", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/v2/models/{model}/infer", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "/v2/nothing", HttpStatusCode.NotFound)]
    [InlineData("POST", "/v2/health/ready", HttpStatusCode.MethodNotAllowed)]
    public async Task ProblemAnswersUnderV2CarryAnErrorMember(string method, string path, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{model}", Path.GetFileName(TinyBundle.Path), StringComparison.Ordinal));
        if (method == "POST")
        {
            request.Content = OpenInferenceWire.Json("{}");
        }

        var response = await factory.Client.SendAsync(request);

        await OpenInferenceWire.ReadErrorAsync(response, status);
        await ServerFactory.ReadProblemAsync(response, status);
    }

    [Fact]
    public async Task MalformedBodiesNeverCauseA500()
    {
        var random = new Random(12);
        string valid = OpenInferenceWire.JsonRequest(["win a free prize now", "hello"], """[{"name":"probabilities","parameters":{"classification":2,"binary_data":true}}]""");
        for (int i = 0; i < 300; i++)
        {
            byte[] body = Encoding.UTF8.GetBytes(valid);
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                body[random.Next(body.Length)] = (byte)random.Next(256);
            }
            var response = await factory.Client.PostAsync(Infer, OpenInferenceWire.Binary(Encoding.UTF8.GetString(body), [], contentType: null, headerLength: random.Next(2) == 0 ? null : body.Length));

            Assert.True((int)response.StatusCode is 200 or 400 or 404, $"{(int)response.StatusCode} for {Encoding.UTF8.GetString(body)}");
            ServerFactory.AssertNoStackTrace(await response.Content.ReadAsStringAsync());
        }
    }
}
