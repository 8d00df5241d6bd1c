namespace TextClassification.Cli.Tests;

/// <summary>The command line itself: help, version, and exit code 2 with a one-line reason for anything malformed.</summary>
public sealed class UsageTests
{
    private static readonly string TrainData = Path.Combine(RepoPaths.Fixtures, "parity", "train.jsonl");
    private static readonly string TestData = Path.Combine(RepoPaths.Fixtures, "parity", "test.jsonl");

    [Theory]
    [InlineData("train", new[] { "--train", "--test", "--out", "--lr", "--batch-size", "--epochs", "--embed-dim", "--ngrams", "--min-freq", "--max-tokens", "--optimizer", "--lr-step", "--lr-gamma", "--clip", "--accumulate", "--seed", "--threads" })]
    [InlineData("crossval", new[] { "--data", "--folds", "--lr", "--batch-size", "--epochs", "--embed-dim", "--ngrams", "--min-freq", "--max-tokens", "--optimizer", "--seed", "--threads" })]
    [InlineData("evaluate", new[] { "--model", "--data", "--json" })]
    [InlineData("predict", new[] { "--model", "--json", "--input", "TEXT" })]
    [InlineData("tokenize", new[] { "--input" })]
    public void HelpForEachCommandListsItsOptions(string command, string[] options)
    {
        var run = CliRun.Of(command, "--help");
        Assert.Equal(0, run.Code);
        Assert.All(options, option => Assert.Contains(option, run.Out, StringComparison.Ordinal));
    }

    [Fact]
    public void HelpShowsTheDocumentedDefaults()
    {
        string help = CliRun.Of("train", "--help").Out;
        foreach (string line in new[] { "--lr <NUMBER>", "[default: 5]", "[default: 64]", "[default: 15]", "[default: sgd]", "[default: 0.9]", "[default: 42]" })
        {
            Assert.Contains(line, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TopLevelHelpListsEveryCommand()
    {
        var run = CliRun.Of("--help");
        Assert.Equal(0, run.Code);
        Assert.All(["train", "evaluate", "predict", "tokenize", "crossval"], command => Assert.Contains(command, run.Out, StringComparison.Ordinal));
    }

    [Fact]
    public void VersionPrintsAVersionNumberAndSucceeds()
    {
        var run = CliRun.Of("--version");
        Assert.Equal(0, run.Code);
        Assert.Matches(@"^\d+\.\d+\.\d+", run.Out);
    }

    [Fact]
    public void UnknownCommandIsAUsageErrorThatListsTheCommands()
    {
        var run = CliRun.Of("fly");
        Assert.Equal(2, run.Code);
        Assert.Contains("'fly'", run.Err, StringComparison.Ordinal);
        Assert.Contains("train, evaluate, predict, tokenize", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void NoCommandIsAUsageError() => Assert.Equal(2, CliRun.Of().Code);

    [Theory]
    [InlineData("train", "--train", "TRAIN", "--test", "TEST", "--out", "o", "--colour")]
    [InlineData("evaluate", "--model", "MODEL", "--data", "TEST", "--colour")]
    [InlineData("predict", "--model", "MODEL", "--colour", "hello")]
    [InlineData("tokenize", "--input", "TEST", "--colour")]
    public void UnknownOptionIsAUsageErrorNamingIt(params string[] args)
    {
        var run = CliRun.Of(WithFiles(args));
        Assert.Equal(2, run.Code);
        Assert.Contains("'--colour'", run.Err, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs must be at least 1 (got 0)")]
    [InlineData("--epochs", "2.5", "--epochs must be an integer (got \"2.5\")")]
    [InlineData("--batch-size", "0", "--batch-size must be at least 1 (got 0)")]
    [InlineData("--max-tokens", "1", "--max-tokens must be at least 2 (got 1)")]
    [InlineData("--ngrams", "0", "--ngrams must be at least 1 (got 0)")]
    [InlineData("--ngrams", "7", "--ngrams must be at most 6 (got 7)")]
    [InlineData("--optimizer", "foo", "--optimizer must be sgd or adam (got \"foo\")")]
    [InlineData("--lr", "fast", "--lr must be a number (got \"fast\")")]
    [InlineData("--lr", "NaN", "--lr must be a number (got \"NaN\")")]
    [InlineData("--lr", "-1", "learning rate must be a positive number (got -1)")]
    [InlineData("--lr-gamma", "2", "lr gamma must be in (0, 1] (got 2)")]
    [InlineData("--clip", "-0.5", "clip must be 0 (off) or positive (got -0.5)")]
    public void BadTrainingValueIsAUsageErrorSayingWhatIsWrong(string option, string value, string message)
    {
        using var dir = new TempDir();
        var run = CliRun.Of("train", "--train", TrainData, "--test", TestData, "--out", dir.File("model"), option, value);
        Assert.Equal(2, run.Code);
        Assert.Contains($"error: {message}", run.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("model")));
    }

    [Theory]
    [InlineData("Option '--train' is required", "train", "--test", "TEST", "--out", "o")]
    [InlineData("Option '--out' is required", "train", "--train", "TRAIN", "--test", "TEST")]
    [InlineData("Option '--model' is required", "evaluate", "--data", "TEST")]
    [InlineData("Option '--model' is required", "predict", "hello")]
    [InlineData("Option '--input' is required", "tokenize")]
    [InlineData("Required argument missing for option: '--train'", "train", "--train")]
    public void MissingRequiredOptionIsAUsageError(string message, params string[] args)
    {
        var run = CliRun.Of(WithFiles(args));
        Assert.Equal(2, run.Code);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--train /nope/train.csv: does not exist", "train", "--train", "/nope/train.csv", "--test", "TEST", "--out", "o")]
    [InlineData(": is not a data file; use .csv, .json, .jsonl, .ndjson, .tab, .tsv (optionally .gz)", "evaluate", "--model", "MODEL", "--data", "README")]
    [InlineData(": is a file, not a bundle directory", "predict", "--model", "README", "hello")]
    [InlineData("--input /nope/texts.txt: does not exist", "tokenize", "--input", "/nope/texts.txt")]
    public void MissingOrWrongKindOfFileIsAUsageErrorNamingThePath(string message, params string[] args)
    {
        var run = CliRun.Of(WithFiles(args));
        Assert.Equal(2, run.Code);
        Assert.Contains(message, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionGivenTwiceIsAUsageError() =>
        Assert.Equal(2, CliRun.Of("predict", "--model", RepoPaths.DefaultModel, "--model", RepoPaths.DefaultModel, "hi").Code);

    [Fact]
    public void PredictWithNoTextAnywhereIsAUsageError()
    {
        var run = CliRun.WithStdin("\n  \n", "predict", "--model", RepoPaths.DefaultModel);
        Assert.Equal(2, run.Code);
        Assert.Contains("no text to classify", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void PredictTakesTextsEitherAsArgumentsOrFromInputNotBoth()
    {
        var run = CliRun.Of("predict", "--model", RepoPaths.DefaultModel, "--input", TestData, "hello");
        Assert.Equal(2, run.Code);
        Assert.Contains("either as arguments or with --input, not both", run.Err, StringComparison.Ordinal);
    }

    /// <summary>Stands real paths in for the placeholders, so only the error under test is wrong with the line.</summary>
    private static string[] WithFiles(string[] args) => [.. args.Select(arg => arg switch
    {
        "TRAIN" => TrainData,
        "TEST" => TestData,
        "MODEL" => RepoPaths.DefaultModel,
        "README" => Path.Combine(RepoPaths.Root, "README.md"),
        _ => arg,
    })];
}
