using System.Net;
using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>
/// POST /embed answers what PyTorch 1.13's <c>model.embedding(ids, offsets)</c> gave for the parity texts
/// (tests/fixtures/parity/embeddings.json, made by tools/pytorch/make_embedding_fixtures.py), within 1e-6.
/// </summary>
public abstract class EmbedParityTestsBase<TFactory>(TFactory factory)
    where TFactory : ServerFactory
{
    private const double Tolerance = 1e-6;

    /// <summary>The fixture made for this factory's bundle.</summary>
    protected virtual string Fixture => "embeddings.json";

    [Fact]
    public async Task EmbedMatchesPyTorchsEmbeddingBagForEveryFixtureText()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "parity", Fixture)));
        var expected = document.RootElement.EnumerateArray()
            .Where(item => !string.IsNullOrWhiteSpace(item.GetProperty("text").GetString())) // blank texts are a 400 by contract
            .Select(item => (Text: item.GetProperty("text").GetString()!, Embedding: item.GetProperty("embedding").EnumerateArray().Select(x => x.GetDouble()).ToArray()))
            .ToList();

        var answer = await ServerFactory.ReadOkAsync(await factory.PostToAsync("/embed", JsonSerializer.Serialize(new { texts = expected.Select(e => e.Text) })));

        var embeddings = answer.GetProperty("embeddings");
        Assert.Equal(expected.Count, embeddings.GetArrayLength());
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            var actual = embeddings[i].EnumerateArray().Select(x => x.GetDouble()).ToArray();
            Assert.Equal(expected[i].Embedding.Length, actual.Length);
            worst = Math.Max(worst, expected[i].Embedding.Zip(actual, (e, a) => Math.Abs(e - a)).Max());
        }
        Assert.True(worst <= Tolerance, $"max |embedding difference| {worst:E2} > {Tolerance:E0}");
    }
}

public sealed class EmbedParityTests(PyTorchBundleFactory factory)
    : EmbedParityTestsBase<PyTorchBundleFactory>(factory), IClassFixture<PyTorchBundleFactory>;

public sealed class TorchScriptEmbedParityTests(TorchScriptBundleFactory factory)
    : EmbedParityTestsBase<TorchScriptBundleFactory>(factory), IClassFixture<TorchScriptBundleFactory>;

/// <summary>The bigram bundle: the bag holds the unigrams and then the bigrams, as ngrams_iterator orders them.</summary>
public sealed class BigramEmbedParityTests(BigramBundleFactory factory)
    : EmbedParityTestsBase<BigramBundleFactory>(factory), IClassFixture<BigramBundleFactory>
{
    protected override string Fixture => "embeddings_bigram.json";
}

/// <summary>A TorchScript module whose layers are not called embedding and fc: it still predicts, but cannot embed or explain.</summary>
public sealed class RenamedTorchScriptBundleFactory : PyTorchBundleFactory
{
    protected override string Bundle => "bundle_torchscript_renamed";
}

public sealed class NonStandardTorchScriptTests(RenamedTorchScriptBundleFactory factory) : IClassFixture<RenamedTorchScriptBundleFactory>
{
    [Fact]
    public async Task EmbedAndExplainAreRefusedWith400SayingWhyWhilePredictWorks()
    {
        var embed = await ServerFactory.ReadProblemAsync(await factory.PostToAsync("/embed", """{"text":"market stocks"}"""), HttpStatusCode.BadRequest);
        var explain = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync("""{"text":"market stocks","explain":true}"""), HttpStatusCode.BadRequest);
        var predict = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"text":"market stocks","top_k":1}"""));

        Assert.Contains("This model cannot give feature vectors", embed.Detail, StringComparison.Ordinal);
        Assert.Contains("no parameter \"embedding.weight\"", embed.Detail, StringComparison.Ordinal);
        Assert.Contains("This model cannot explain its predictions", explain.Detail, StringComparison.Ordinal);
        Assert.Equal("business", predict.GetProperty("label").GetString());
    }
}
