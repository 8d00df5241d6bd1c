using System.Text.Json;
using System.Text.RegularExpressions;

namespace TextClassification.Cli.Tests;

/// <summary>What the commands do: train writes a bundle the other commands use; bad data or bundles fail with exit code 1.</summary>
public sealed partial class CliTests
{
    private const string TrainFile = "train.jsonl";
    private const string TestFile = "test.csv";

    [Fact]
    public void TrainWritesABundleThatEvaluateAndPredictUse()
    {
        using var dir = new TempDir();
        var run = TrainTiny(dir, epochs: 30);
        Assert.True(run.Code == 0, run.Err);
        Assert.True(File.Exists(dir.File("model/config.json")));
        Assert.Contains($"saved bundle to {dir.File("model")}", run.Out, StringComparison.Ordinal);

        run = CliRun.Of("evaluate", "--model", dir.File("model"), "--data", dir.File(TestFile));
        Assert.Equal(0, run.Code);
        Assert.Contains("2 texts, accuracy 100.00", run.Out, StringComparison.Ordinal);
        Assert.Contains("confusion matrix", run.Out, StringComparison.Ordinal);

        run = CliRun.Of("predict", "--model", dir.File("model"), "claim your free prize now", "lunch meeting tomorrow");
        Assert.Equal(0, run.Code);
        Assert.Equal(["spam", "ham"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')[0]));

        run = CliRun.WithStdin("win a free prize\n", "predict", "--model", dir.File("model"), "--json");
        Assert.Equal(0, run.Code);
        var prediction = JsonDocument.Parse(run.Out).RootElement[0];
        Assert.Equal("spam", prediction.GetProperty("label").GetString());
        Assert.Equal(["win", "a", "free", "prize"], prediction.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void TrainWithNGramsWritesThemToTheBundleAndPredictShowsTheTerms()
    {
        using var dir = new TempDir();
        var run = TrainTinyWith(dir, 30, "--ngrams", "2");
        Assert.True(run.Code == 0, run.Err);
        var config = JsonDocument.Parse(File.ReadAllText(dir.File("model/config.json"))).RootElement;
        Assert.Equal(2, config.GetProperty("ngrams").GetInt32());
        Assert.Equal(2, config.GetProperty("provenance").GetProperty("hyperparameters").GetProperty("ngrams").GetInt32());
        Assert.Contains("free prize", JsonDocument.Parse(File.ReadAllText(dir.File("model/vocab.json"))).RootElement.EnumerateArray().Select(t => t.GetString()));

        run = CliRun.Of("predict", "--model", dir.File("model"), "--json", "win a free prize");
        Assert.Equal(0, run.Code);
        var prediction = JsonDocument.Parse(run.Out).RootElement[0];
        Assert.Equal(["win", "a", "free", "prize"], prediction.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["win", "a", "free", "prize", "win a", "a free", "free prize"], prediction.GetProperty("terms").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(7, prediction.GetProperty("ids").GetArrayLength());
        Assert.DoesNotContain(0, prediction.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()));
    }

    [Fact]
    public void WithoutATerminalEachEpochIsOneLineInTheFormatScriptsParse()
    {
        using var dir = new TempDir();
        var run = TrainTiny(dir, epochs: 3);
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal("", run.Err);
        // bench/run.py's _CS_EPOCH
        Assert.Equal(["1", "2", "3"], EpochLine().Matches(run.Out).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public void OnATerminalTrainingDrawsProgressOnStderrAndStillPrintsEveryEpoch()
    {
        using var dir = new TempDir();
        var run = TrainTiny(dir, epochs: 2, errorIsTerminal: true);
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains("epoch 2/2 loss", run.Err, StringComparison.Ordinal);
        Assert.Equal(2, EpochLine().Count(run.Out));
    }

    [Fact]
    public void WhenStdoutIsTheSameTerminalEpochLinesGoThroughTheProgressDisplay()
    {
        using var dir = new TempDir();
        var run = TrainTiny(dir, epochs: 2, errorIsTerminal: true, outIsTerminal: true);
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal(0, EpochLine().Count(run.Out));
        Assert.Contains("epoch 2/2 | train loss", run.Err, StringComparison.Ordinal);
        Assert.Contains("saved bundle to", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedRecordFailsWithFileAndLine()
    {
        using var dir = new TempDir();
        var run = TrainTiny(dir, epochs: 1, extraTrainLine: "{\"text\": \"no label\"}");
        Assert.Equal(1, run.Code);
        Assert.Equal($"error: {dir.File(TrainFile)}:{TinyData.Train.Count + 1}: needs a \"label\" (string or integer)", run.Err.TrimEnd());
    }

    [Fact]
    public void BrokenBundleFailsWithTheLoadError()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("config.json"), "{ not json");
        var run = CliRun.Of("predict", "--model", dir.Path, "hello");
        Assert.Equal(1, run.Code);
        Assert.StartsWith($"error: {dir.File("config.json")}: ", run.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("texts.tab", "label\ttext\nham\tHello, World\n")]
    [InlineData("texts.json", "{\"text\": \"Hello, World\"}\n")]
    [InlineData("texts.txt", "Hello, World\n")]
    public void InputFilesAreReadAsDataFilesByTheirExtensionElseLineByLine(string name, string content)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(name), content);
        var run = CliRun.Of("tokenize", "--input", dir.File(name));
        Assert.Equal(0, run.Code);
        Assert.Equal("[\"hello\",\",\",\"world\"]", run.Out.TrimEnd());
    }

    [Fact]
    public void TextsMayStartWithAtSignOrAfterDoubleDashWithDashes()
    {
        var run = CliRun.Of("predict", "--model", RepoPaths.DefaultModel, "--", "@alice lunch?", "--not-an-option");
        Assert.Equal(0, run.Code);
        Assert.EndsWith("\t@alice lunch?", run.Out.Split('\n')[0], StringComparison.Ordinal);
        Assert.EndsWith("\t--not-an-option", run.Out.Split('\n')[1], StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^epoch\s+(\d+)/\d+ \|.*\| accuracy ([\d.]+)\s*%.*\|\s*([\d.]+) s\s*$", RegexOptions.Multiline)]
    private static partial Regex EpochLine();

    /// <summary>Writes TinyData as a .jsonl training file (plus <paramref name="extraTrainLine"/>) and a .csv test file, then trains on them.</summary>
    private static CliRun TrainTinyWith(TempDir dir, int epochs, params string[] extraOptions) => TrainTiny(dir, epochs, false, false, null, extraOptions);

    private static CliRun TrainTiny(TempDir dir, int epochs, bool errorIsTerminal = false, bool outIsTerminal = false, string? extraTrainLine = null, string[]? extraOptions = null)
    {
        var trainLines = TinyData.Train.Select(r => $"{{\"text\":\"{r.Text}\",\"label\":\"{r.Label}\"}}");
        File.WriteAllLines(dir.File(TrainFile), extraTrainLine is null ? trainLines : trainLines.Append(extraTrainLine));
        File.WriteAllLines(dir.File(TestFile), ["text,label", .. TinyData.Test.Select(r => $"{r.Text},{r.Label}")]);
        return CliRun.Of(new StringReader(""), errorIsTerminal, outIsTerminal,
        [
            "train", "--train", dir.File(TrainFile), "--test", dir.File(TestFile), "--out", dir.File("model"), "--epochs", $"{epochs}",
            "--lr", "1", "--batch-size", "4", "--embed-dim", "8", "--min-freq", "1", "--clip", "0", "--lr-step", "0", "--seed", "7", .. extraOptions ?? [],
        ]);
    }
}
