using System.Text.Json;
using TextClassification.Model.Text;

namespace TextClassification.Model.Tests;

/// <summary>
/// <see cref="NGrams"/> against torchtext's <c>ngrams_iterator</c>: the fixture tests/fixtures/ngram_cases.json is the
/// Python port's output (tools/pytorch/make_fixtures.py), and the span-based encoding equals looking the terms up as strings.
/// </summary>
public sealed class NGramsTests
{
    [Fact]
    public void MatchesThePythonPortOnEveryFixtureCase()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "ngram_cases.json")));
        int cases = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            string[] tokens = [.. item.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)];
            string[] terms = [.. item.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!)];
            int n = item.GetProperty("ngrams").GetInt32();
            string name = item.GetProperty("name").GetString()!;
            Assert.True(terms.SequenceEqual(NGrams.Expand(tokens, n)), $"case {name}: got [{string.Join(" | ", NGrams.Expand(tokens, n))}]");
            Assert.Equal(terms.Length, NGrams.Count(tokens.Length, n));
            cases++;
        }
        Assert.True(cases >= 10, $"only {cases} cases");
    }

    [Fact]
    public void YieldsAllTokensFirstThenTheBigramsAsTorchtextsCodeDoes()
    {
        // torchtext's docstring shows ['here', 'here we', 'we', 'we are', 'are']; its code yields this.
        Assert.Equal(["here", "we", "are", "here we", "we are"], NGrams.Expand(["here", "we", "are"], 2));
        Assert.Equal(["a", "b", "a b"], NGrams.Expand(["a", "b"], 3)); // no trigram from two tokens
        Assert.Empty(NGrams.Expand([], 2));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void SpanEncodingEqualsLookingTheTermsUp(int n)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "tokenizer_cases.json")));
        var texts = document.RootElement.EnumerateArray().Select(item => item.GetProperty("text").GetString()!).ToList();
        var tokenizer = BasicEnglishTokenizer.Instance;
        // Half the texts build the vocabulary, so the rest have unknown n-grams too.
        var vocabulary = Vocabulary.Build(texts.Where((_, i) => i % 2 == 0).Select(t => NGrams.Expand(tokenizer.Tokenize(t), n)));
        var ids = new List<int>();
        foreach (string text in texts)
        {
            ids.Clear();
            vocabulary.Encode(text, tokenizer, ids, n);
            Assert.Equal(vocabulary.Lookup(NGrams.Expand(tokenizer.Tokenize(text), n)), ids);
        }
    }

    [Theory]
    [InlineData(0L, false)]
    [InlineData(1L, true)]
    [InlineData(6L, true)]
    [InlineData(7L, false)]
    public void AcceptsNFromOneToTheDocumentedMaximum(long n, bool valid) => Assert.Equal(valid, NGrams.Problem(n) is null);
}
