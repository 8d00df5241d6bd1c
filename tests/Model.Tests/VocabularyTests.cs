using TextClassification.Model.Text;

namespace TextClassification.Model.Tests;

public sealed class VocabularyTests
{
    private static readonly string[][] Texts =
    [
        ["b", "a", "c", "a"],
        ["c", "a", "d"],
        ["b", "e"],
    ];

    [Fact]
    public void OrdersByDescendingFrequencyThenTokenWithUnkFirst()
    {
        var vocabulary = Vocabulary.Build(Texts);
        Assert.Equal(["<unk>", "a", "b", "c", "d", "e"], vocabulary.Itos);
        Assert.Equal(0, vocabulary.DefaultIndex);
        Assert.Equal(1, vocabulary.Stoi["a"]);
    }

    [Fact]
    public void MinFreqDropsRareTokens()
    {
        var vocabulary = Vocabulary.Build(Texts, minFreq: 2);
        Assert.Equal(["<unk>", "a", "b", "c"], vocabulary.Itos);
    }

    [Fact]
    public void MaxTokensCountsTheSpecials()
    {
        var vocabulary = Vocabulary.Build(Texts, maxTokens: 3);
        Assert.Equal(["<unk>", "a", "b"], vocabulary.Itos);
    }

    [Fact]
    public void UnknownTokensMapToUnk()
    {
        var vocabulary = Vocabulary.Build(Texts);
        Assert.Equal([1, 0, 4], vocabulary.Lookup(["a", "zebra", "d"]));
        Assert.False(vocabulary.Contains("zebra"));
    }

    [Fact]
    public void UnkInTheDataIsNotCountedTwice()
    {
        var vocabulary = Vocabulary.Build([["<unk>", "<unk>", "x"]]);
        Assert.Equal(["<unk>", "x"], vocabulary.Itos);
    }

    [Fact]
    public void TiesAreOrderedByCodePointLikePython()
    {
        // UTF-16 ordinal order puts U+FF21 after a surrogate pair; Python's code point order puts it before.
        var vocabulary = Vocabulary.Build([["\U0001F600", "\uFF21"]]);
        Assert.Equal(["<unk>", "\uFF21", "\U0001F600"], vocabulary.Itos);
    }

    [Fact]
    public void SavesAndLoadsAsJsonArrayWhoseIndexIsTheId()
    {
        using var dir = new TempDir();
        var vocabulary = Vocabulary.Build(Texts);
        vocabulary.Save(dir.File("vocab.json"));
        Assert.Equal("[\"<unk>\",\"a\",\"b\",\"c\",\"d\",\"e\"]", File.ReadAllText(dir.File("vocab.json")).Replace("\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(vocabulary.Itos, Vocabulary.Load(dir.File("vocab.json")).Itos);
    }

    [Fact]
    public void FindsEveryTokenOfTheDefaultModelAtItsIndexInVocabJson()
    {
        string path = Path.Combine(RepoPaths.DefaultModel, "vocab.json");
        var tokens = System.Text.Json.JsonSerializer.Deserialize<string[]>(File.ReadAllText(path))!;
        var vocabulary = Vocabulary.Load(path);
        Assert.True(tokens.Length > 10_000, $"the default model's vocabulary has only {tokens.Length} tokens");
        for (int id = 0; id < tokens.Length; id++)
        {
            Assert.Equal(id, vocabulary[tokens[id].AsSpan()]);
        }
    }

    [Fact]
    public void MissesNearMissesOfKnownTokensAndGivesThemTheUnkId()
    {
        var vocabulary = Vocabulary.Load(Path.Combine(RepoPaths.DefaultModel, "vocab.json"));
        Assert.Equal(0, vocabulary.DefaultIndex);
        foreach (var unknown in new[] { "", "zzzzqqqq", "spam ", "Spam", "<UNK>", "<unk", "\U0001F600\U0001F600" })
        {
            Assert.Equal(0, vocabulary[unknown.AsSpan()]);
            Assert.Equal(0, vocabulary[unknown]);
        }
        Assert.NotEqual(0, vocabulary["spam"]);
    }

    [Fact]
    public void RejectsDuplicatesAndMissingUnk()
    {
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new Vocabulary(["<unk>", "a", "a"])).Message, StringComparison.Ordinal);
        Assert.Contains("<unk>", Assert.Throws<ArgumentException>(() => new Vocabulary(["a", "b"])).Message, StringComparison.Ordinal);
    }
}
