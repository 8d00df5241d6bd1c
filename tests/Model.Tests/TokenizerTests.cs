using System.Text.Json;
using TextClassification.Model.Text;

namespace TextClassification.Model.Tests;

public sealed class TokenizerTests
{
    private static readonly BasicEnglishTokenizer Tokenizer = BasicEnglishTokenizer.Instance;

    public static TheoryData<string> PythonCaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in LoadCases().Keys)
        {
            data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(PythonCaseNames))]
    public void TokensMatchPythonBasicEnglish(string name)
    {
        var (text, expected) = LoadCases()[name];
        Assert.Equal(expected, Tokenizer.Tokenize(text));
    }

    [Fact]
    public void FixtureCoversTheUnicodeEdgeCases()
    {
        var texts = LoadCases().Values.Select(c => c.Text).ToList();
        foreach (var required in new[] { "İ", "ß", "Σ", "\u001C", "\u001F", "\u0085", "\u00A0", "<br />", "😀" })
        {
            Assert.Contains(texts, t => t.Contains(required, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("Hello, World!", new[] { "hello", ",", "world", "!" })]
    [InlineData("don't stop", new[] { "don", "'", "t", "stop" })]
    [InlineData("say \"hi\" now", new[] { "say", "hi", "now" })]
    [InlineData("a<br />b", new[] { "a", "b" })]
    [InlineData("a<br \"/>b", new[] { "a", "b" })]
    [InlineData("x;y:z", new[] { "x", "y", "z" })]
    [InlineData("(1.5)?", new[] { "(", "1", ".", "5", ")", "?" })]
    [InlineData(";;; :::", new string[0])]
    [InlineData("", new string[0])]
    public void AppliesTheTwelveRulesInOrder(string text, string[] expected) => Assert.Equal(expected, Tokenizer.Tokenize(text));

    [Fact]
    public void LowercasesLikePythonNotDotNet()
    {
        Assert.Equal(["i\u0307stanbul"], Tokenizer.Tokenize("İSTANBUL"));
        Assert.Equal(["οδος"[..3] + "ς"], Tokenizer.Tokenize("ΟΔΟΣ"));
        Assert.Equal(["σ"], Tokenizer.Tokenize("Σ"));
    }

    [Fact]
    public void SplitsOnPythonWhitespaceOnly()
    {
        Assert.Equal(["a", "b", "c", "d", "e"], Tokenizer.Tokenize("a\u001Cb\u0085c\u00A0d\u3000e"));
        Assert.Equal(["a\u200Bb"], Tokenizer.Tokenize("a\u200Bb"));
    }

    private static Dictionary<string, (string Text, string[] Tokens)> LoadCases()
    {
        string path = Path.Combine(RepoPaths.Fixtures, "tokenizer_cases.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var cases = new Dictionary<string, (string, string[])>(StringComparer.Ordinal);
        int index = 0;
        foreach (var item in document.RootElement.EnumerateArray())
        {
            string name = $"{index++:D3} {item.GetProperty("name").GetString()}";
            cases[name] = (item.GetProperty("text").GetString()!, [.. item.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)]);
        }
        return cases;
    }
}
