using System.Text.Json;
using TextClassification.Model.Inference;

namespace TextClassification.Cli.Tests;

/// <summary><c>textclf embed</c>: one JSON line per text with the model's feature vector, like the server's POST /embed.</summary>
public sealed class EmbedCommandTests
{
    private static readonly string ParityBundle = Path.Combine(RepoPaths.Fixtures, "parity", "bundle");

    [Fact]
    public void EmbedPrintsOneJsonLinePerTextWithPyTorchsEmbeddingBagOutput()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "parity", "embeddings.json")));
        var cases = document.RootElement.EnumerateArray().Take(20).ToList();
        string stdin = string.Concat(cases.Select(c => c.GetProperty("text").GetString()!.ReplaceLineEndings(" ") + "\n"));

        var run = CliRun.WithStdin(stdin, "embed", "--model", ParityBundle);

        Assert.True(run.Code == 0, run.Err);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var texts = TextInputLines(stdin);
        Assert.Equal(texts.Count, lines.Length);
        using var predictor = Predictor.Load(ParityBundle);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = JsonDocument.Parse(lines[i]).RootElement;
            Assert.Equal(["text", "embedding"], line.EnumerateObject().Select(p => p.Name));
            Assert.Equal(texts[i], line.GetProperty("text").GetString());
            var expected = predictor.EmbedEncoded([predictor.Encode(texts[i])])[0];
            Assert.Equal(expected, line.GetProperty("embedding").EnumerateArray().Select(x => x.GetSingle()));
        }
        var first = JsonDocument.Parse(lines[0]).RootElement.GetProperty("embedding").EnumerateArray().Select(x => x.GetDouble()).ToList();
        var pytorch = cases[0].GetProperty("embedding").EnumerateArray().Select(x => x.GetDouble()).ToList();
        Assert.All(first.Zip(pytorch), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= 1e-6));
    }

    [Fact]
    public void NormalizeGivesUnitVectorsAndATextWithoutTokensZeros()
    {
        var run = CliRun.Of("embed", "--model", RepoPaths.DefaultModel, "--normalize", "free money now", ";;; :::");

        Assert.True(run.Code == 0, run.Err);
        var vectors = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("embedding").EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToList();
        Assert.Equal(2, vectors.Count);
        Assert.Equal(1.0, Math.Sqrt(vectors[0].Sum(x => x * x)), 6);
        Assert.All(vectors[1], x => Assert.Equal(0, x));
    }

    [Fact]
    public void ATorchScriptModelWithoutTheStandardLayersFailsWithTheReason()
    {
        var run = CliRun.Of("embed", "--model", Path.Combine(RepoPaths.Fixtures, "parity", "bundle_torchscript_renamed"), "hello");

        Assert.Equal(1, run.Code);
        Assert.Contains("cannot give feature vectors", run.Err, StringComparison.Ordinal);
        Assert.Contains("embedding.weight", run.Err, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("embed", "--model", "MODEL", "--colour", "hello")]
    [InlineData("embed", "hello")]
    public void AMalformedCommandLineIsAUsageError(params string[] args)
    {
        var run = CliRun.Of([.. args.Select(a => a == "MODEL" ? RepoPaths.DefaultModel : a)]);

        Assert.Equal(2, run.Code);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void HelpListsTheOptions()
    {
        var run = CliRun.Of("embed", "--help");

        Assert.Equal(0, run.Code);
        Assert.All(["--model", "--input", "--normalize", "TEXT"], option => Assert.Contains(option, run.Out, StringComparison.Ordinal));
    }

    private static List<string> TextInputLines(string stdin) => [.. stdin.Split('\n').Where(l => !string.IsNullOrWhiteSpace(l))];
}
