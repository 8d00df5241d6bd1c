using System.Net;
using System.Text;
using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

public sealed class OpenInferenceEndpointTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    private static readonly string[] Texts =
    [
        "win a free prize now",
        "lunch meeting tomorrow about the report",
        "click here to claim your money",
        "Please review the attached numbers before Thursday. Ünïcödé ✓",
        "words the model has never seen: zyxw qwerty",
    ];

    /// <summary>Without Model:Name the model is named after the bundle directory.</summary>
    private static string Model => Path.GetFileName(TinyBundle.Path);

    private static Uri Infer => new($"/v2/models/{Model}/infer", UriKind.Relative);

    [Fact]
    public async Task ServerMetadataNamesTheServerAndTheExtensionsItImplements()
    {
        var metadata = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/v2", UriKind.Relative)));

        Assert.Equal("textclf-server", metadata.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(metadata.GetProperty("version").GetString()));
        Assert.Equal(["classification", "binary_tensor_data"], metadata.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    public async Task HealthAnswers200WithAnEmptyBodyOnceTheModelIsLoaded(string path)
    {
        var response = await factory.Client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/ready")]
    [InlineData("/versions/1/ready")]
    public async Task ModelReadyAnswers200ForTheServedNameAndVersion(string suffix)
    {
        var response = await factory.Client.GetAsync(new Uri($"/v2/models/{Model}{suffix}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/versions/1")]
    public async Task ModelMetadataDescribesTheInputTheOutputsAndTheLabelsInColumnOrder(string suffix)
    {
        var metadata = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri($"/v2/models/{Model}{suffix}", UriKind.Relative)));

        Assert.Equal(Model, metadata.GetProperty("name").GetString());
        Assert.Equal(["1"], metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("torchsharp", metadata.GetProperty("platform").GetString());
        var input = Assert.Single(metadata.GetProperty("inputs").EnumerateArray());
        Assert.Equal("text", input.GetProperty("name").GetString());
        Assert.Equal("BYTES", input.GetProperty("datatype").GetString());
        Assert.Equal([-1], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var outputs = metadata.GetProperty("outputs").EnumerateArray()
            .Select(o => (o.GetProperty("name").GetString(), o.GetProperty("datatype").GetString(), string.Join(",", o.GetProperty("shape").EnumerateArray()))).ToList();
        Assert.Equal([("label", "BYTES", "-1"), ("probabilities", "FP32", "-1,2"), ("logits", "FP32", "-1,2")], outputs);
        Assert.Equal(TinyBundle.Labels, metadata.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
    }

    [Theory]
    [InlineData("/v2/models/other", "no model \"other\"")]
    [InlineData("/v2/models/other/ready", "no model \"other\"")]
    [InlineData("/v2/models/{model}/versions/2", "has no version \"2\"")]
    [InlineData("/v2/models/{model}/versions/2/ready", "has no version \"2\"")]
    public async Task AnUnknownModelOrVersionIs404WithAnError(string path, string expected)
    {
        var response = await factory.Client.GetAsync(new Uri(path.Replace("{model}", Model, StringComparison.Ordinal), UriKind.Relative));

        string error = await OpenInferenceWire.ReadErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferOnAnUnknownModelIs404WithAnError()
    {
        var response = await factory.Client.PostAsync(new Uri("/v2/models/other/infer", UriKind.Relative), OpenInferenceWire.Json(OpenInferenceWire.JsonRequest(Texts)));

        string error = await OpenInferenceWire.ReadErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Contains($"serves \"{Model}\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAnswersLabelProbabilitiesAndLogitsForEveryTextWithTheIdEchoed()
    {
        var answer = await PostAsync(OpenInferenceWire.JsonRequest(Texts, id: "request-42"));

        var json = answer.Json;
        Assert.Equal(Model, json.GetProperty("model_name").GetString());
        Assert.Equal("1", json.GetProperty("model_version").GetString());
        Assert.Equal("request-42", json.GetProperty("id").GetString());
        Assert.Equal(["label", "probabilities", "logits"], json.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        var label = OpenInferenceWire.Output(json, "label");
        Assert.Equal("BYTES", label.GetProperty("datatype").GetString());
        Assert.Equal([Texts.Length], OpenInferenceWire.Shape(label));
        var probabilities = OpenInferenceWire.Output(json, "probabilities");
        Assert.Equal("FP32", probabilities.GetProperty("datatype").GetString());
        Assert.Equal([Texts.Length, 2], OpenInferenceWire.Shape(probabilities));
        float[] values = OpenInferenceWire.JsonFloats(probabilities);
        string[] labels = [.. label.GetProperty("data").EnumerateArray().Select(l => l.GetString()!)];
        for (int i = 0; i < Texts.Length; i++)
        {
            Assert.Equal(1f, values[2 * i] + values[(2 * i) + 1], 5);
            Assert.Equal(values[2 * i] >= values[(2 * i) + 1] ? "ham" : "spam", labels[i]);
        }
        float[] logits = OpenInferenceWire.JsonFloats(OpenInferenceWire.Output(json, "logits"));
        for (int i = 0; i < Texts.Length; i++)
        {
            // softmax of the logits gives the probabilities
            double spam = 1 / (1 + Math.Exp(logits[2 * i] - logits[(2 * i) + 1]));
            Assert.Equal(spam, values[(2 * i) + 1], 5);
        }
        Assert.Equal("spam", labels[0]);
        Assert.Equal("ham", labels[1]);
    }

    [Fact]
    public async Task V2ProbabilitiesAndLogitsAreBitIdenticalToPredicts()
    {
        var predict = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { texts = Texts })));
        var json = (await PostAsync(OpenInferenceWire.JsonRequest(Texts))).Json;
        var binary = await PostAsync(OpenInferenceWire.JsonRequest(Texts, """[{"name":"probabilities","parameters":{"binary_data":true}}]"""));

        float[] fromJson = OpenInferenceWire.JsonFloats(OpenInferenceWire.Output(json, "probabilities"));
        float[] fromBinary = OpenInferenceWire.Floats(binary.Binary["probabilities"]);
        var predictions = predict.GetProperty("predictions").EnumerateArray().ToList();
        for (int i = 0; i < Texts.Length; i++)
        {
            for (int c = 0; c < TinyBundle.Labels.Count; c++)
            {
                float expected = predictions[i].GetProperty("probabilities").GetProperty(TinyBundle.Labels[c]).GetSingle();
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(fromJson[(2 * i) + c]));
                Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(fromBinary[(2 * i) + c]));
            }
        }
    }

    [Fact]
    public async Task Fp32InJsonRoundTripsToTheSameBitsAsTheBinaryForm()
    {
        var json = (await PostAsync(OpenInferenceWire.JsonRequest(Texts))).Json;
        var binary = await PostAsync(OpenInferenceWire.JsonRequest(Texts, """[{"name":"logits","parameters":{"binary_data":true}}]"""));

        float[] fromJson = OpenInferenceWire.JsonFloats(OpenInferenceWire.Output(json, "logits"));
        float[] fromBinary = OpenInferenceWire.Floats(binary.Binary["logits"]);
        Assert.Equal(fromBinary.Select(BitConverter.SingleToInt32Bits), fromJson.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public async Task TheOutputsListSelectsWhichOutputsComeBackInItsOrder()
    {
        var answer = await PostAsync(OpenInferenceWire.JsonRequest(Texts, """[{"name":"logits"},{"name":"label"}]"""));

        Assert.Equal(["logits", "label"], answer.Json.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        Assert.False(answer.Json.TryGetProperty("id", out _));
    }

    [Fact]
    public async Task ClassificationReturnsTheTopKAsScoreIndexLabelBestFirst()
    {
        var answer = await PostAsync(OpenInferenceWire.JsonRequest(Texts, """[{"name":"probabilities"},{"name":"logits","parameters":{"classification":1}}]"""));
        var top2 = await PostAsync(OpenInferenceWire.JsonRequest(Texts, """[{"name":"probabilities","parameters":{"classification":2}}]"""));

        float[] probabilities = OpenInferenceWire.JsonFloats(OpenInferenceWire.Output(answer.Json, "probabilities"));
        var classified = OpenInferenceWire.Output(top2.Json, "probabilities");
        Assert.Equal("BYTES", classified.GetProperty("datatype").GetString());
        Assert.Equal([Texts.Length, 2], OpenInferenceWire.Shape(classified));
        string[] data = [.. classified.GetProperty("data").EnumerateArray().Select(d => d.GetString()!)];
        for (int i = 0; i < Texts.Length; i++)
        {
            int best = probabilities[(2 * i) + 1] > probabilities[2 * i] ? 1 : 0;
            string[] first = data[2 * i].Split(':');
            string[] second = data[(2 * i) + 1].Split(':');
            Assert.Equal(best, int.Parse(first[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(TinyBundle.Labels[best], first[2]);
            Assert.Equal(probabilities[(2 * i) + best], float.Parse(first[0], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(1 - best, int.Parse(second[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(TinyBundle.Labels[1 - best], second[2]);
        }
        var logitsTop1 = OpenInferenceWire.Output(answer.Json, "logits");
        Assert.Equal([Texts.Length, 1], OpenInferenceWire.Shape(logitsTop1));
        Assert.EndsWith(":1:spam", logitsTop1.GetProperty("data")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BinaryInputsBuiltByteByByteAreClassifiedAsTheirJsonForm()
    {
        byte[] tensor = OpenInferenceWire.BytesTensor(Texts.Select(Encoding.UTF8.GetBytes));
        string header = $$$"""{"inputs":[{"name":"text","shape":[{{{Texts.Length}}}],"datatype":"BYTES","parameters":{"binary_data_size":{{{tensor.Length}}}}}]}""";

        var binary = await OpenInferenceWire.ReadAnswerAsync(await factory.Client.PostAsync(Infer, OpenInferenceWire.Binary(header, tensor)));
        var json = await PostAsync(OpenInferenceWire.JsonRequest(Texts));

        Assert.Equal(OpenInferenceWire.Output(json.Json, "probabilities").GetRawText(), OpenInferenceWire.Output(binary.Json, "probabilities").GetRawText());
        Assert.Equal(OpenInferenceWire.Output(json.Json, "label").GetRawText(), OpenInferenceWire.Output(binary.Json, "label").GetRawText());
    }

    [Fact]
    public async Task BinaryInputsAreAcceptedWithoutAContentTypeAsTritonsClientSendsThem()
    {
        byte[] tensor = OpenInferenceWire.BytesTensor([Encoding.UTF8.GetBytes(Texts[0])]);
        string header = $$$"""{"inputs":[{"name":"INPUT0","shape":[1,1],"datatype":"BYTES","parameters":{"binary_data_size":{{{tensor.Length}}}}}],"parameters":{"binary_data_output":true}}""";

        var answer = await OpenInferenceWire.ReadAnswerAsync(await factory.Client.PostAsync(Infer, OpenInferenceWire.Binary(header, tensor, contentType: null)));

        Assert.Equal(["spam"], OpenInferenceWire.Strings(answer.Binary["label"]));
        Assert.Equal(2, OpenInferenceWire.Floats(answer.Binary["probabilities"]).Length);
        Assert.Equal(2, OpenInferenceWire.Floats(answer.Binary["logits"]).Length);
    }

    [Fact]
    public async Task BinaryOutputsFollowTheJsonInOrderWithTheirSizesAndTheHeaderLength()
    {
        var response = await factory.Client.PostAsync(Infer, OpenInferenceWire.Json(OpenInferenceWire.JsonRequest(Texts,
            """[{"name":"label","parameters":{"binary_data":true}},{"name":"logits"},{"name":"probabilities","parameters":{"binary_data":true,"classification":2}}]""")));

        Assert.True(response.Headers.Contains(OpenInferenceWire.HeaderLength));
        var answer = await OpenInferenceWire.ReadAnswerAsync(response);
        var json = await PostAsync(OpenInferenceWire.JsonRequest(Texts, """[{"name":"label"},{"name":"probabilities","parameters":{"classification":2}}]"""));
        Assert.Equal(OpenInferenceWire.Output(json.Json, "label").GetProperty("data").EnumerateArray().Select(l => l.GetString()), OpenInferenceWire.Strings(answer.Binary["label"]));
        Assert.Equal(OpenInferenceWire.Output(json.Json, "probabilities").GetProperty("data").EnumerateArray().Select(l => l.GetString()),
            OpenInferenceWire.Strings(answer.Binary["probabilities"]));
        Assert.Equal(Texts.Length * 2, OpenInferenceWire.JsonFloats(OpenInferenceWire.Output(answer.Json, "logits")).Length);
    }

    [Fact]
    public async Task AnyNameIsAcceptedForTheOnlyInputAndANestedShapeNByOne()
    {
        string body = """{"inputs":[{"name":"input-0","shape":[2,1],"datatype":"BYTES","data":[["win a free prize now"],["lunch meeting tomorrow about the report"]]}]}""";

        var answer = await PostAsync(body);

        Assert.Equal(["spam", "ham"], OpenInferenceWire.Output(answer.Json, "label").GetProperty("data").EnumerateArray().Select(l => l.GetString()));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task JsonRequestsAreAcceptedWithJsonOctetStreamOrNoContentType(string? contentType)
    {
        var response = await factory.Client.PostAsync(Infer, OpenInferenceWire.Json(OpenInferenceWire.JsonRequest(Texts[..1]), contentType));

        var answer = await OpenInferenceWire.ReadAnswerAsync(response);
        Assert.Equal([1], OpenInferenceWire.Shape(OpenInferenceWire.Output(answer.Json, "label")));
    }

    [Fact]
    public async Task TheVersionedInferRouteAnswersAsTheUnversionedOne()
    {
        var response = await factory.Client.PostAsync(new Uri($"/v2/models/{Model}/versions/1/infer", UriKind.Relative), OpenInferenceWire.Json(OpenInferenceWire.JsonRequest(Texts)));
        var plain = await PostAsync(OpenInferenceWire.JsonRequest(Texts));

        var versioned = await OpenInferenceWire.ReadAnswerAsync(response);
        Assert.Equal(plain.Json.GetProperty("outputs").GetRawText(), versioned.Json.GetProperty("outputs").GetRawText());
    }

    [Fact]
    public async Task UnknownParametersAndMembersAreIgnored()
    {
        string body = """{"model_name":"x","parameters":{"priority":3,"sequence_id":"s"},"inputs":[{"name":"text","shape":[1],"datatype":"BYTES","parameters":{"content_type":"str"},"data":["hello"]}],"outputs":[{"name":"label","parameters":{"something":true}}]}""";

        var answer = await PostAsync(body);

        Assert.Single(answer.Json.GetProperty("outputs").EnumerateArray());
    }

    [Fact]
    public async Task SwaggerDocumentsInferInItsOwnTagWithAnExampleThatWorksAsSent()
    {
        var document = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative)));
        var infer = document.GetProperty("paths").GetProperty("/v2/models/{name}/infer").GetProperty("post");

        Assert.Equal(["Open Inference Protocol (V2)"], infer.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        string name = infer.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "name").GetProperty("example").GetString()!;
        var body = infer.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        Assert.EndsWith("InferRequestDocument", body.GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("InferResponseDocument", infer.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("OpenInferenceError", infer.GetProperty("responses").GetProperty("400").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString(), StringComparison.Ordinal);

        var answer = await OpenInferenceWire.ReadAnswerAsync(await factory.Client.PostAsync(new Uri($"/v2/models/{name}/infer", UriKind.Relative),
            OpenInferenceWire.Json(body.GetProperty("example").GetRawText())));
        Assert.Equal(["label", "probabilities", "logits"], answer.Json.GetProperty("outputs").EnumerateArray().Select(o => o.GetProperty("name").GetString()));
    }

    private async Task<OpenInferenceWire.Answer> PostAsync(string json) =>
        await OpenInferenceWire.ReadAnswerAsync(await factory.Client.PostAsync(Infer, OpenInferenceWire.Json(json)));
}
