using System.Text.Json;
using TextClassification.Model.Inference;

namespace TextClassification.Model.Tests;

/// <summary>
/// Feature vectors against real PyTorch 1.13: tests/fixtures/parity/embeddings.json holds <c>model.embedding(ids,
/// offsets)</c> for the parity texts (tools/pytorch/make_embedding_fixtures.py).
/// </summary>
public sealed class EmbeddingTests
{
    private const double Tolerance = 1e-6;

    private static string Parity(string bundle) => Path.Combine(RepoPaths.Fixtures, "parity", bundle);

    [Theory]
    [InlineData("bundle", "embeddings.json")]
    [InlineData("bundle_safetensors", "embeddings.json")]
    [InlineData("bundle_torchscript", "embeddings.json")]
    [InlineData("bundle_bigram", "embeddings_bigram.json")]
    public void EmbeddingsEqualPyTorchsEmbeddingBagOutput(string bundle, string fixture)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "parity", fixture)));
        var cases = document.RootElement.EnumerateArray().Select(item => (
            Text: item.GetProperty("text").GetString()!,
            Ids: item.GetProperty("ids").EnumerateArray().Select(t => t.GetInt32()).ToArray(),
            Embedding: item.GetProperty("embedding").EnumerateArray().Select(t => t.GetDouble()).ToArray())).ToList();
        using var predictor = Predictor.Load(Parity(bundle));
        Assert.Null(predictor.FeaturesUnavailableReason);
        var ids = cases.Select(c => predictor.Encode(c.Text)).ToList();
        var embeddings = predictor.EmbedEncoded(ids);
        double worst = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.Equal(cases[i].Ids, ids[i]);
            Assert.Equal(cases[i].Embedding.Length, embeddings[i].Length);
            for (int k = 0; k < embeddings[i].Length; k++)
            {
                worst = Math.Max(worst, Math.Abs(cases[i].Embedding[k] - embeddings[i][k]));
            }
        }
        Assert.True(worst <= Tolerance, $"max |embedding difference| {worst:E2} > {Tolerance:E0}");
        Assert.Contains(cases, c => c.Ids.Length == 0);
    }

    [Fact]
    public void OnlyATextWithNoTokensAtAllGivesZerosAndUnknownWordsAreTheUnkRow()
    {
        using var predictor = Predictor.Load(Parity("bundle"));
        var embeddings = predictor.EmbedEncoded([predictor.Encode(";;; :::"), predictor.Encode("qwxzzy vbnmkk"), [0]]);
        Assert.Empty(predictor.Encode(";;; :::"));
        Assert.All(embeddings[0], x => Assert.Equal(0f, x));
        Assert.Equal([0, 0], predictor.Encode("qwxzzy vbnmkk"));
        Assert.Equal(embeddings[2], embeddings[1]); // the mean of two <unk> rows is the <unk> row
        Assert.Contains(embeddings[1], x => x != 0f);
    }

    [Fact]
    public void AMixedBatchGivesThePredictionsAndEmbeddingsOfSeparateRuns()
    {
        using var predictor = Predictor.Load(RepoPaths.DefaultModel);
        string[] texts = ["free money now", "lunch at noon?", "click here to claim your prize", ";;; :::", "see the attached report"];
        var ids = texts.Select(predictor.Encode).ToList();
        bool[] classify = [true, false, true, false, true];
        var mixed = predictor.RunEncoded(ids, classify);
        var predictions = predictor.PredictEncoded(ids);
        var embeddings = predictor.EmbedEncoded(ids);
        for (int i = 0; i < texts.Length; i++)
        {
            if (classify[i])
            {
                Assert.Null(mixed.Embeddings[i]);
                Assert.Equal(predictions[i].Logits, mixed.Predictions[i]!.Logits);
                Assert.Equal(predictions[i].Label, mixed.Predictions[i]!.Label);
            }
            else
            {
                Assert.Null(mixed.Predictions[i]);
                Assert.Equal(embeddings[i], mixed.Embeddings[i]);
            }
        }
    }

    [Fact]
    public void ATorchScriptMixedBatchPredictsThroughTheModuleItself()
    {
        using var scripted = Predictor.Load(Parity("bundle_torchscript"));
        string[] texts = ["stocks and shares rally", "the striker scored a goal", "new chip for cloud ai"];
        var ids = texts.Select(scripted.Encode).ToList();
        var mixed = scripted.RunEncoded(ids, [true, false, true]);
        var predictions = scripted.PredictEncoded(ids);
        Assert.Equal(predictions[0].Logits, mixed.Predictions[0]!.Logits);
        Assert.Equal(predictions[2].Logits, mixed.Predictions[2]!.Logits);
        Assert.Equal(scripted.EmbedEncoded([ids[1]])[0], mixed.Embeddings[1]);
    }

    [Theory]
    [InlineData("bundle_torchscript_renamed", "no parameter \"embedding.weight\"")]
    [InlineData("bundle_torchscript_summed", "is not fc(EmbeddingBag(mean)")]
    public void ATorchScriptModuleWithoutTheStandardLayersRefusesEmbeddingsButStillPredicts(string bundle, string reason)
    {
        using var predictor = Predictor.Load(Parity(bundle));
        Assert.Contains(reason, predictor.FeaturesUnavailableReason, StringComparison.Ordinal);
        var ids = predictor.Encode("market stocks profit");
        var refused = Assert.Throws<NotSupportedException>(() => predictor.EmbedEncoded([ids]));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => predictor.Explain("market stocks profit", ids, 0));
        using var standard = Predictor.Load(Parity("bundle"));
        var expected = standard.Predict("market stocks profit").Logits;
        var actual = predictor.Predict("market stocks profit").Logits;
        double difference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        // the same weights: the renamed module predicts as the state_dict does; the summed one is another model
        Assert.True(bundle.EndsWith("renamed", StringComparison.Ordinal) ? difference < 1e-4 : difference > 1e-2, $"logits differ by {difference}");
    }

    [Fact]
    public void NormalizingGivesUnitLengthAndLeavesZeroAlone()
    {
        var vector = EmbeddingVector.Normalize([3f, -4f]);
        Assert.Equal([0.6f, -0.8f], vector);
        Assert.Equal([0f, 0f, 0f], EmbeddingVector.Normalize([0f, 0f, 0f]));
        using var predictor = Predictor.Load(RepoPaths.DefaultModel);
        var embedding = EmbeddingVector.Normalize(predictor.EmbedEncoded([predictor.Encode("free money now")])[0]);
        Assert.Equal(1.0, Math.Sqrt(embedding.Sum(x => (double)x * x)), 6);
    }
}
