using System.Net;
using System.Text.Json;
using TextClassification.Model.Bundles;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

public sealed class PredictEndpointTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    private static readonly string[] Texts =
    [
        "win a free prize now",
        "lunch meeting tomorrow about the report",
        "click here to claim your money",
        "Please review the attached numbers before Thursday.",
        "words the model has never seen: zyxw qwerty",
    ];

    [Fact]
    public async Task PredictReturnsLabelScoreAndProbabilitiesForOneText()
    {
        var answer = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"win a free prize now"}"""));

        Assert.Equal(["label", "score", "probabilities"], answer.EnumerateObject().Select(p => p.Name));
        string label = answer.GetProperty("label").GetString()!;
        float score = answer.GetProperty("score").GetSingle();
        var probabilities = answer.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetSingle());
        Assert.Equal(TinyBundle.Labels, probabilities.Keys);
        Assert.Equal(1.0, probabilities.Values.Sum(), 5);
        Assert.Equal(probabilities.Values.Max(), score);
        Assert.Equal(score, probabilities[label]);
        Assert.Equal("spam", label);
    }

    [Fact]
    public async Task PredictClassifiesObviousTextsAsTheTinyModelLearned()
    {
        var spam = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"free prize, click now"}"""));
        var ham = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"review the report at the meeting"}"""));

        Assert.Equal("spam", spam.GetProperty("label").GetString());
        Assert.Equal("ham", ham.GetProperty("label").GetString());
    }

    [Fact]
    public async Task PredictAnswersABatchInRequestOrder()
    {
        var answer = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { texts = Texts })));

        Assert.Equal(["predictions"], answer.EnumerateObject().Select(p => p.Name));
        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(Texts.Length, predictions.Count);
        Assert.Equal("spam", predictions[0].GetProperty("label").GetString());
        Assert.Equal("ham", predictions[1].GetProperty("label").GetString());
    }

    [Fact]
    public async Task PredictGivesATextAloneExactlyTheAnswerItGetsInsideABatch()
    {
        var batch = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { texts = Texts })));
        var inBatch = batch.GetProperty("predictions").EnumerateArray().Select(p => p.GetRawText()).ToList();

        for (int i = 0; i < Texts.Length; i++)
        {
            var alone = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { text = Texts[i] })));
            Assert.Equal(inBatch[i], alone.GetRawText());
        }
    }

    [Fact]
    public async Task PredictAcceptsATextWithoutTokensAndAnswersWithTheSoftmaxOfTheBias()
    {
        float[] bias;
        using (var bundle = ModelBundle.Load(TinyBundle.Path))
        {
            bias = bundle.Classifier!.state_dict()["fc.bias"].data<float>().ToArray();
        }
        double[] expected = [.. bias.Select(b => Math.Exp(b) / bias.Sum(x => Math.Exp(x)))];

        var answer = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":";;; :::"}"""));

        var probabilities = answer.GetProperty("probabilities").EnumerateObject().Select(p => p.Value.GetDouble()).ToList();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], probabilities[i], 5);
        }
        int best = Array.IndexOf(expected, expected.Max());
        Assert.Equal(TinyBundle.Labels[best], answer.GetProperty("label").GetString());
    }

    [Fact]
    public async Task PredictAcceptsTheMediaTypeInAnyCaseAndWithAUtf8Charset()
    {
        foreach (string contentType in new[] { "Application/JSON", "application/json; charset=utf-8", "application/json;charset=\"UTF-8\"" })
        {
            var response = await factory.PostJsonAsync("""{"text":"hello team"}""", contentType);
            Assert.True(response.StatusCode == HttpStatusCode.OK, contentType);
        }
    }

    [Fact]
    public async Task PredictSkipsAUtf8ByteOrderMark()
    {
        var response = await factory.PostBytesAsync([0xEF, 0xBB, 0xBF, .. """{"text":"hello team"}"""u8.ToArray()]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PredictAcceptsABodyOfExactlyTheSizeLimit()
    {
        byte[] body = Bodies.TextOfSize(Bodies.DefaultLimit);

        var response = await factory.PostBytesAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task PredictAcceptsABatchOfExactlyMaxTextsPerRequestTexts()
    {
        var response = await factory.PostJsonAsync(JsonSerializer.Serialize(new { texts = Enumerable.Repeat("hello", 256) }));

        var answer = await ServerFactory.ReadOkAsync(response);
        Assert.Equal(256, answer.GetProperty("predictions").GetArrayLength());
    }

    [Fact]
    public async Task FiftyConcurrentRequestsEachGetTheAnswerTheirTextGetsAlone()
    {
        var alone = new List<string>();
        foreach (string text in Texts)
        {
            alone.Add((await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { text })))).GetRawText());
        }
        // The texts have different answers, so an answer delivered to the wrong request shows.
        Assert.Equal(Texts.Length, alone.Distinct().Count());

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
            (await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { text = Texts[i % Texts.Length] })))).GetRawText()));

        for (int i = 0; i < answers.Length; i++)
        {
            Assert.True(alone[i % Texts.Length] == answers[i], $"request {i} ({Texts[i % Texts.Length]}): {answers[i]}, alone: {alone[i % Texts.Length]}");
        }
    }
}

internal static class Bodies
{
    public const int DefaultLimit = 1_048_576;

    /// <summary>A valid {"text": "aaa…"} body of exactly <paramref name="size"/> bytes.</summary>
    public static byte[] TextOfSize(int size)
    {
        byte[] prefix = "{\"text\":\""u8.ToArray();
        byte[] suffix = "\"}"u8.ToArray();
        var body = new byte[size];
        prefix.CopyTo(body, 0);
        body.AsSpan(prefix.Length, size - prefix.Length - suffix.Length).Fill((byte)'a');
        suffix.CopyTo(body, size - suffix.Length);
        return body;
    }
}
