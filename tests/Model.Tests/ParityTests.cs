using System.Text.Json;
using TextClassification.Model.Inference;
using TextClassification.Model.Text;

namespace TextClassification.Model.Tests;

/// <summary>
/// Compares with outputs of real PyTorch 1.13 (tests/fixtures/parity, made by tools/pytorch/make_fixtures.py): identical
/// tokens and ids, logits within 1e-5, the same label — for the .pth, safetensors and TorchScript forms of one model.
/// </summary>
public sealed class ParityTests : IClassFixture<ParityTests.Expected>
{
    private const double Tolerance = 1e-5;
    private readonly Expected expected;

    public ParityTests(Expected expected) => this.expected = expected;

    public sealed class Expected
    {
        public Expected()
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "parity", "expected.json")));
            Cases = [.. document.RootElement.EnumerateArray().Select(item => new PyTorchCase(
                item.GetProperty("text").GetString()!,
                [.. item.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)],
                [.. item.GetProperty("ids").EnumerateArray().Select(t => t.GetInt32())],
                [.. item.GetProperty("logits").EnumerateArray().Select(t => t.GetDouble())],
                item.GetProperty("label").GetString()!))];
        }

        public IReadOnlyList<PyTorchCase> Cases { get; }
    }

    public sealed record PyTorchCase(string Text, string[] Tokens, int[] Ids, double[] Logits, string Label);

    [Fact]
    public void FixtureHasAboutTwoHundredTextsIncludingEmptyBags()
    {
        Assert.InRange(expected.Cases.Count, 180, 400);
        Assert.Contains(expected.Cases, c => c.Ids.Length == 0 && c.Text.Trim().Length > 0);
        Assert.Contains(expected.Cases, c => c.Ids.Length > 0 && c.Ids.All(id => id == 0));
    }

    [Theory]
    [InlineData("bundle")]
    [InlineData("bundle_safetensors")]
    [InlineData("bundle_torchscript")]
    public void MatchesPyTorchTokensIdsLogitsAndLabels(string bundle)
    {
        using var predictor = Predictor.Load(Path.Combine(RepoPaths.Fixtures, "parity", bundle));
        var predictions = predictor.Predict([.. expected.Cases.Select(c => c.Text)]);
        double worst = 0;
        for (int i = 0; i < expected.Cases.Count; i++)
        {
            var c = expected.Cases[i];
            Assert.Equal(c.Tokens, predictor.Tokenize(c.Text));
            Assert.Equal(c.Ids, predictor.Encode(c.Text));
            Assert.Equal(c.Label, predictions[i].Label);
            for (int k = 0; k < c.Logits.Length; k++)
            {
                worst = Math.Max(worst, Math.Abs(c.Logits[k] - predictions[i].Logits[k]));
            }
        }
        Assert.True(worst <= Tolerance, $"max |logit difference| {worst:E2} > {Tolerance:E0}");
    }

    [Fact]
    public void BigramBundleFromPyTorchMatchesTokensTermsIdsLogitsAndLabels()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "parity", "expected_bigram.json")));
        var cases = document.RootElement.EnumerateArray().ToList();
        using var predictor = Predictor.Load(Path.Combine(RepoPaths.Fixtures, "parity", "bundle_bigram"));
        Assert.Equal(2, predictor.Config.NGrams);
        var predictions = predictor.Predict([.. cases.Select(c => c.GetProperty("text").GetString()!)]);
        double worst = 0;
        int withBigrams = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            string text = c.GetProperty("text").GetString()!;
            string[] terms = [.. c.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!)];
            Assert.Equal(c.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!), predictor.Tokenize(text));
            Assert.Equal(terms, predictor.Terms(text));
            Assert.Equal(c.GetProperty("ids").EnumerateArray().Select(t => t.GetInt32()), predictor.Encode(text));
            Assert.Equal(c.GetProperty("label").GetString(), predictions[i].Label);
            var logits = c.GetProperty("logits").EnumerateArray().Select(t => t.GetDouble()).ToList();
            for (int k = 0; k < logits.Count; k++)
            {
                worst = Math.Max(worst, Math.Abs(logits[k] - predictions[i].Logits[k]));
            }
            withBigrams += terms.Any(t => t.Contains(' ', StringComparison.Ordinal)) && predictor.Encode(text).Skip(predictor.Tokenize(text).Count).Any(id => id != 0) ? 1 : 0;
        }
        Assert.True(withBigrams > 20, $"only {withBigrams} texts have a known bigram");
        Assert.True(worst <= Tolerance, $"max |logit difference| {worst:E2} > {Tolerance:E0}");
    }

    [Fact]
    public void TorchScriptBundleReportsItsArchitecture()
    {
        using var predictor = Predictor.Load(Path.Combine(RepoPaths.Fixtures, "parity", "bundle_torchscript"));
        Assert.Equal("torchscript", predictor.Architecture);
        Assert.Null(predictor.Bundle.Classifier);
        Assert.True(predictor.Bundle.ParameterCount > 0);
    }

    [Fact]
    public void VocabularyBuildingMatchesTorchtext()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "vocab_cases.json")));
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var texts = item.GetProperty("texts").EnumerateArray().Select(t => BasicEnglishTokenizer.Instance.Tokenize(t.GetString()!)).ToList();
            var maxTokens = item.GetProperty("max_tokens");
            var vocabulary = Vocabulary.Build(texts, item.GetProperty("min_freq").GetInt32(),
                maxTokens.ValueKind == JsonValueKind.Null ? null : maxTokens.GetInt32(),
                [.. item.GetProperty("specials").EnumerateArray().Select(s => s.GetString()!)]);
            Assert.True(item.GetProperty("itos").EnumerateArray().Select(t => t.GetString()!).SequenceEqual(vocabulary.Itos),
                $"case {item.GetProperty("name").GetString()}: got [{string.Join(", ", vocabulary.Itos)}]");
        }
    }

    [Fact]
    public void LowercaseAndWhitespaceTablesMatchPythonCharacterByCharacter()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "unicode_tables.json")));
        var root = document.RootElement;
        foreach (var entry in root.GetProperty("lower").EnumerateArray())
        {
            int codePoint = entry[0].GetInt32();
            string lowered = string.Concat(entry[1].EnumerateArray().Select(c => char.ConvertFromUtf32(c.GetInt32())));
            if (codePoint != 0x3A3)
            {
                Assert.Equal(lowered, PythonText.Lower(char.ConvertFromUtf32(codePoint)));
            }
        }
        var spaces = root.GetProperty("whitespace").EnumerateArray().SelectMany(r => Enumerable.Range(r[0].GetInt32(), r[1].GetInt32() - r[0].GetInt32() + 1)).ToHashSet();
        for (int c = 0; c < 0x3100; c++)
        {
            Assert.True(spaces.Contains(c) == PythonText.IsSpace(c), $"U+{c:X4}");
        }
    }
}
