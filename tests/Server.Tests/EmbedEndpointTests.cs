using System.Net;
using System.Text.Json;
using TextClassification.Model.Inference;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>POST /embed: the EmbeddingBag output per text, through the same body rules and batcher as /predict.</summary>
public sealed class EmbedEndpointTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    private static readonly string[] Texts =
    [
        "win a free prize now",
        "lunch meeting tomorrow about the report",
        "words the model has never seen: zyxw qwerty",
        ";;; :::",
    ];

    [Fact]
    public async Task EmbedReturnsTheModelsFeatureVectorForOneText()
    {
        var answer = await ServerFactory.ReadOkAsync(await factory.PostToAsync("/embed", """{"text":"win a free prize now"}"""));

        Assert.Equal(["embedding"], answer.EnumerateObject().Select(p => p.Name));
        using var predictor = Predictor.Load(TinyBundle.Path);
        var expected = predictor.EmbedEncoded([predictor.Encode("win a free prize now")])[0];
        Assert.Equal(expected, Floats(answer.GetProperty("embedding")));
        Assert.Equal(8, expected.Length);
    }

    [Fact]
    public async Task EmbedAnswersABatchInRequestOrderAsEachTextAlone()
    {
        var response = await factory.PostToAsync("/embed", JsonSerializer.Serialize(new { texts = Texts }));
        var answer = await ServerFactory.ReadOkAsync(response);

        Assert.Equal(["embeddings"], answer.EnumerateObject().Select(p => p.Name));
        var embeddings = answer.GetProperty("embeddings").EnumerateArray().Select(Floats).ToList();
        Assert.Equal(Texts.Length, embeddings.Count);
        for (int i = 0; i < Texts.Length; i++)
        {
            var alone = await ServerFactory.ReadOkAsync(await factory.PostToAsync("/embed", JsonSerializer.Serialize(new { text = Texts[i] })));
            Assert.Equal(embeddings[i], Floats(alone.GetProperty("embedding")));
        }
        Assert.All(embeddings[3], x => Assert.Equal(0f, x)); // no tokens at all
        Assert.Contains(embeddings[2], x => x != 0f); // unknown words are <unk> in the bag
        Assert.Contains("inference;dur=", string.Join(",", response.Headers.GetValues("Server-Timing")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NormalizeGivesUnitVectorsAndLeavesAZeroVectorZero()
    {
        var answer = await ServerFactory.ReadOkAsync(await factory.PostToAsync("/embed", JsonSerializer.Serialize(new { texts = Texts, normalize = true })));
        var plain = await ServerFactory.ReadOkAsync(await factory.PostToAsync("/embed", JsonSerializer.Serialize(new { texts = Texts, normalize = false })));

        var normalized = answer.GetProperty("embeddings").EnumerateArray().Select(Floats).ToList();
        var raw = plain.GetProperty("embeddings").EnumerateArray().Select(Floats).ToList();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(1.0, Math.Sqrt(normalized[i].Sum(x => (double)x * x)), 6);
            double norm = Math.Sqrt(raw[i].Sum(x => (double)x * x));
            Assert.Equal(raw[i].Select(x => x / norm), normalized[i].Select(x => (double)x), new Close(1e-6));
        }
        Assert.All(normalized[3], x => Assert.Equal(0f, x));
    }

    [Fact]
    public async Task EmbeddingsAndPredictionsSentTogetherGetTheAnswersTheyGetAlone()
    {
        var embedAlone = await ServerFactory.ReadOkAsync(await factory.PostToAsync("/embed", JsonSerializer.Serialize(new { texts = Texts })));
        var predictAlone = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { texts = Texts })));

        var requests = Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? factory.PostToAsync("/embed", JsonSerializer.Serialize(new { texts = Texts }))
            : factory.PostJsonAsync(JsonSerializer.Serialize(new { texts = Texts }))).ToList();
        var responses = await Task.WhenAll(requests);

        for (int i = 0; i < responses.Length; i++)
        {
            var answer = await ServerFactory.ReadOkAsync(responses[i]);
            Assert.Equal((i % 2 == 0 ? embedAlone : predictAlone).GetRawText(), answer.GetRawText());
        }
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { """{"text":"a","lang":"en"}""", "Unknown property \"lang\"; only \"text\" or \"texts\" is accepted, and optionally \"normalize\"" },
        { """{"text":"a","explain":true}""", "Unknown property \"explain\"" },
        { """{"text":"a","normalize":"yes"}""", "\"normalize\" must be true or false, not a string" },
        { """{"text":"a","normalize":null}""", "\"normalize\" must be true or false, not null" },
        { """{"text":"a","normalize":true,"normalize":false}""", "\"normalize\" appears more than once" },
        { """{"text":"  "}""", "\"text\" is empty or whitespace-only" },
        { """{"texts":[]}""", "\"texts\" is empty" },
        { """{"text":"a",}""", "trailing comma" },
        { "[]", "must be a JSON object, not an array" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task EmbedRejectsWhatPredictRejectsWithTheSameDetail(string body, string detail)
    {
        var problem = await ServerFactory.ReadProblemAsync(await factory.PostToAsync("/embed", body), HttpStatusCode.BadRequest);

        Assert.Contains(detail, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedRejectsMoreTextsThanMaxTextsPerRequest()
    {
        var problem = await ServerFactory.ReadProblemAsync(
            await factory.PostToAsync("/embed", JsonSerializer.Serialize(new { texts = Enumerable.Repeat("hello", 257) })), HttpStatusCode.BadRequest);

        Assert.Contains("Model:MaxTextsPerRequest", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbedAnswers415ForAContentTypeOtherThanJsonAnd413ForABodyOverTheLimit()
    {
        await ServerFactory.ReadProblemAsync(await factory.PostToAsync("/embed", """{"text":"hello"}""", "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await ServerFactory.ReadProblemAsync(await factory.PostToAsync("/embed", """{"text":"hello"}""", contentType: null), HttpStatusCode.UnsupportedMediaType);
        await ServerFactory.ReadProblemAsync(await factory.PostToAsync("/embed", Bodies.TextOfSize(Bodies.DefaultLimit + 1)), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task EmbedAnswers405WithAllowPostForGet()
    {
        var response = await factory.Client.GetAsync(new Uri("/embed", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(x => x.GetSingle())];

    private sealed class Close(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}

/// <summary>With a batch delay, embedding, explained and plain prediction requests wait in one queue and share forwards.</summary>
public sealed class MixedBatchingTests(DelayedBatchFactory factory) : IClassFixture<DelayedBatchFactory>
{
    [Fact]
    public async Task EmbedExplainAndPredictRequestsWithinTheDelayShareForwardsAndGetTheirOwnAnswers()
    {
        const string Embed = """{"text":"win a free prize now"}""";
        const string Predict = """{"texts":["win a free prize now","the report"]}""";
        const string Explain = """{"text":"lunch meeting about the report","explain":true}""";
        string embedAlone = await (await factory.PostToAsync("/embed", Embed)).Content.ReadAsStringAsync();
        string predictAlone = await (await factory.PostJsonAsync(Predict)).Content.ReadAsStringAsync();
        string explainAlone = await (await factory.PostJsonAsync(Explain)).Content.ReadAsStringAsync();
        using var probe = new BatchingProbe(factory.Services);

        var kinds = Enumerable.Range(0, 24).Select(i => i % 3).ToList();
        var responses = await Task.WhenAll(kinds.Select(kind => kind switch
        {
            0 => factory.PostToAsync("/embed", Embed),
            1 => factory.PostJsonAsync(Predict),
            _ => factory.PostJsonAsync(Explain),
        }));

        for (int i = 0; i < responses.Length; i++)
        {
            Assert.Equal(kinds[i] switch { 0 => embedAlone, 1 => predictAlone, _ => explainAlone }, await responses[i].Content.ReadAsStringAsync());
        }
        var (batches, texts) = probe.Totals;
        Assert.Equal(8 + 16 + 8, texts);
        Assert.True(batches < 12, $"24 concurrent requests of three kinds ran in {batches} forwards; expected them to share some");
    }
}
