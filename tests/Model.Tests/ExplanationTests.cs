using TextClassification.Model.Data;
using TextClassification.Model.Inference;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TextClassification.Model.Tests;

/// <summary>
/// Explanations are exact: for EmbeddingBag(mean) + Linear, <c>logit_c = b_c + (1/n) Σ_t W_c · e_t</c>. The reference
/// logit here is computed independently from the state_dict in float64 (sum the rows, divide, dot).
/// </summary>
public sealed class ExplanationTests(ITestOutputHelper output)
{
    private const double ExactTolerance = 1e-5;
    private const double UnitRoundoff = 1.0 / (1 << 24); // float32

    [Fact]
    public void ContributionsPlusBiasEqualTheExactFloat64LogitOn200CorpusTexts()
    {
        using var predictor = Predictor.Load(RepoPaths.DefaultModel);
        var (embedding, weight, bias) = Weights(predictor);
        int dim = predictor.EmbeddingDimension;
        var texts = DataFile.Read(Path.Combine(RepoPaths.Data, "test.jsonl.gz")).Take(200).Select(r => r.Text).ToList();
        Assert.Equal(200, texts.Count);
        double worstExact = 0, worstFloat32Ratio = 0;
        int longest = 0;
        foreach (var text in texts)
        {
            var ids = predictor.Encode(text);
            var prediction = predictor.PredictEncoded([ids])[0];
            var explanation = predictor.Explain(text, ids, prediction.LabelIndex);
            int c = prediction.LabelIndex;
            longest = Math.Max(longest, ids.Length);

            var mean = new double[dim];
            var meanAbs = new double[dim];
            foreach (int id in ids)
            {
                for (int k = 0; k < dim; k++)
                {
                    mean[k] += embedding[((long)id * dim) + k];
                    meanAbs[k] += Math.Abs(embedding[((long)id * dim) + k]);
                }
            }
            double exact = bias[c];
            double bound = 0;
            double gamma = ids.Length == 0 ? 0 : (ids.Length + 1) * UnitRoundoff / (1 - ((ids.Length + 1) * UnitRoundoff));
            for (int k = 0; k < dim; k++)
            {
                double m = ids.Length == 0 ? 0 : mean[k] / ids.Length;
                double a = ids.Length == 0 ? 0 : meanAbs[k] / ids.Length;
                exact += weight[(c * dim) + k] * m;
                // float32 mean: summing n rows (γ_{n-1}) plus the division or a pre-scaling by 1/n: γ_{n+1} in either order
                bound += Math.Abs(weight[(c * dim) + k]) * ((gamma * a) + (UnitRoundoff * Math.Abs(m)));
            }
            bound += (UnitRoundoff * Math.Abs(exact)) + 1e-12; // the logit rounded to float32 (the float64 dot is exact to ~1e-16)

            double explained = explanation.Bias + explanation.Tokens.Sum(t => t.Contribution);
            worstExact = Math.Max(worstExact, Math.Abs(explained - exact));
            Assert.Equal(explanation.Logit, explained, 1e-9);
            Assert.Equal(bias[c], explanation.Bias);
            Assert.Equal(prediction.Label, explanation.Label);

            double float32Error = Math.Abs(prediction.Logits[c] - exact);
            Assert.True(float32Error <= bound, $"float32 logit {prediction.Logits[c]} vs exact {exact}: {float32Error:E2} > bound {bound:E2} (n = {ids.Length})");
            worstFloat32Ratio = Math.Max(worstFloat32Ratio, float32Error / bound);
        }
        output.WriteLine($"worst |explained − exact| {worstExact:E2}; worst float32 error / bound {worstFloat32Ratio:F3}; longest text {longest} tokens");
        Assert.True(worstExact <= ExactTolerance, $"max |bias + Σ contributions − exact logit| {worstExact:E2} > {ExactTolerance:E0}");
        Assert.True(longest > 500, $"the sample should include long texts (longest had {longest} tokens)");
    }

    [Fact]
    public void TokensAreTheTermsInTheModelsOrderWithTheirIdsAndUnknownsMarked()
    {
        using var predictor = Predictor.Load(RepoPaths.DefaultModel);
        const string Text = "Click HERE, qwxzzyvb prize!";
        var ids = predictor.Encode(Text);
        var explanation = predictor.Explain(Text, ids, 1);
        Assert.Equal(predictor.Terms(Text), explanation.Tokens.Select(t => t.Token));
        Assert.Equal(ids, explanation.Tokens.Select(t => t.Id));
        var unknown = Assert.Single(explanation.Tokens, t => t.Unknown);
        Assert.Equal("qwxzzyvb", unknown.Token);
        Assert.Equal(predictor.Bundle.Vocabulary.DefaultIndex, unknown.Id);
        Assert.NotEqual(0, unknown.Contribution); // <unk> is in the bag and has a row like any term
        Assert.Equal(predictor.Labels[1], explanation.Label);
    }

    [Fact]
    public void TermsMapToTheIdsOfEncodeOneToOne()
    {
        using var predictor = Predictor.Load(RepoPaths.DefaultModel);
        foreach (var text in DataFile.Read(Path.Combine(RepoPaths.Data, "test.jsonl.gz")).Take(50).Select(r => r.Text).Append(";;; :::"))
        {
            Assert.Equal(predictor.Terms(text).Select(term => predictor.Bundle.Vocabulary[term]), predictor.Encode(text));
        }
    }

    [Fact]
    public void ATextWithNoTokensIsExplainedByTheBiasAlone()
    {
        using var predictor = Predictor.Load(RepoPaths.DefaultModel);
        var prediction = predictor.Predict(";;; :::");
        var explanation = predictor.Explain(";;; :::", [], prediction.LabelIndex);
        Assert.Empty(explanation.Tokens);
        Assert.Equal(explanation.Bias, explanation.Logit);
        Assert.Equal((float)explanation.Logit, prediction.Logits[prediction.LabelIndex]);
    }

    [Fact]
    public void ABigramModelIsExplainedTermByTermInNGramsOrderAndMatchesPyTorchsLogits()
    {
        using var predictor = Predictor.Load(Path.Combine(RepoPaths.Fixtures, "parity", "bundle_bigram"));
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "parity", "expected_bigram.json")));
        double worst = 0;
        int withBigrams = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            string text = item.GetProperty("text").GetString()!;
            var ids = predictor.Encode(text);
            int label = predictor.Labels.ToList().IndexOf(item.GetProperty("label").GetString()!);
            var explanation = predictor.Explain(text, ids, label);
            Assert.Equal(item.GetProperty("terms").EnumerateArray().Select(t => t.GetString()), explanation.Tokens.Select(t => t.Token));
            Assert.Equal(item.GetProperty("ids").EnumerateArray().Select(t => t.GetInt32()), explanation.Tokens.Select(t => t.Id));
            withBigrams += explanation.Tokens.Any(t => t.Token.Contains(' ', StringComparison.Ordinal) && !t.Unknown) ? 1 : 0;
            Assert.Equal(explanation.Logit, explanation.Bias + explanation.Tokens.Sum(t => t.Contribution), 1e-9);
            // PyTorch's logit is float32 (bag sum and Linear): its rounding grows with the logit's size
            double pytorch = item.GetProperty("logits")[label].GetDouble();
            worst = Math.Max(worst, Math.Abs(explanation.Logit - pytorch) / Math.Max(1, Math.Abs(pytorch)));
        }
        Assert.True(worst <= 1e-5, $"max |explained logit − PyTorch's| / max(1, |logit|) {worst:E2}");
        Assert.True(withBigrams >= 20, $"only {withBigrams} texts had a known bigram");
    }

    [Fact]
    public void ATorchScriptBundleWithTheStandardLayersExplainsLikeItsStateDict()
    {
        using var scripted = Predictor.Load(Path.Combine(RepoPaths.Fixtures, "parity", "bundle_torchscript"));
        using var standard = Predictor.Load(Path.Combine(RepoPaths.Fixtures, "parity", "bundle"));
        const string Text = "The striker's goal won the cup, says report";
        var ids = scripted.Encode(Text);
        for (int c = 0; c < scripted.Labels.Count; c++)
        {
            var a = scripted.Explain(Text, ids, c);
            var b = standard.Explain(Text, ids, c);
            Assert.Equal(b.Logit, a.Logit);
            Assert.Equal(b.Tokens, a.Tokens);
            Assert.Equal(scripted.Predict(Text).Logits[c], (float)a.Logit, 5);
        }
    }

    private static (float[] Embedding, double[] Weight, double[] Bias) Weights(Predictor predictor)
    {
        var state = predictor.Bundle.Classifier!.state_dict();
        using var noGrad = no_grad();
        return (state["embedding.weight"].data<float>().ToArray(),
            [.. state["fc.weight"].data<float>().ToArray().Select(x => (double)x)],
            [.. state["fc.bias"].data<float>().ToArray().Select(x => (double)x)]);
    }
}
