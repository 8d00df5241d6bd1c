namespace TextClassification.Cli.Tests;

public sealed class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, stdout, stderr, new StringReader(""), interactive: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData(new string[0], "usage: textclf")]
    [InlineData(new[] { "fly" }, "unknown command \"fly\"")]
    [InlineData(new[] { "train", "--test", "t.csv", "--out", "o" }, "--train is required")]
    [InlineData(new[] { "train", "--train", "a.csv", "--out", "o" }, "--test is required")]
    [InlineData(new[] { "train", "--train", "a.csv", "--test", "t.csv", "--out", "o", "--lr", "fast" }, "--lr must be a number (got \"fast\")")]
    [InlineData(new[] { "train", "--train", "a.csv", "--test", "t.csv", "--out", "o", "--batch-size", "0" }, "--batch-size must be at least 1 (got 0)")]
    [InlineData(new[] { "train", "--train", "a.csv", "--test", "t.csv", "--out", "o", "--epochs", "2.5" }, "--epochs must be an integer")]
    [InlineData(new[] { "train", "--train", "a.csv", "--test", "t.csv", "--out", "o", "--optimizer", "rmsprop" }, "--optimizer must be sgd or adam")]
    [InlineData(new[] { "train", "--train", "a.csv", "--test", "t.csv", "--out", "o", "--lr-gamma", "2" }, "lr gamma must be in (0, 1]")]
    [InlineData(new[] { "train", "--train", "a.csv", "--test", "t.csv", "--out", "o", "--colour" }, "unknown option --colour")]
    [InlineData(new[] { "train", "--train" }, "--train needs a value")]
    [InlineData(new[] { "evaluate", "--data", "d.csv" }, "--model is required")]
    [InlineData(new[] { "predict", "--model", "m", "--model", "n", "hi" }, "--model is given 2 times")]
    [InlineData(new[] { "predict", "--model", "m" }, "no text to classify")]
    public void ArgumentErrorsExitWithUsageCodeAndSayWhatIsWrong(string[] args, string message)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDataFileIsAnErrorNamingTheFile()
    {
        var (code, _, err) = Run("train", "--train", "/nope/train.csv", "--test", "/nope/test.csv", "--out", "/tmp/x");
        Assert.Equal(1, code);
        Assert.Contains("/nope/train.csv: does not exist", err, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainEvaluateAndPredictWorkEndToEnd()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("train.csv"), ["text,label", .. TinyData.Train.Select(r => $"{r.Text},{r.Label}")]);
        File.WriteAllLines(dir.File("test.jsonl"), [.. TinyData.Test.Select(r => $"{{\"text\":\"{r.Text}\",\"label\":\"{r.Label}\"}}")]);
        var (code, output, err) = Run("train", "--train", dir.File("train.csv"), "--test", dir.File("test.jsonl"), "--out", dir.File("model"),
            "--lr", "1", "--batch-size", "4", "--epochs", "30", "--embed-dim", "8", "--min-freq", "1", "--clip", "0", "--lr-step", "0");
        Assert.True(code == 0, err);
        Assert.Contains("epoch 30/30 | train loss", output, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("model/config.json")));

        (code, output, _) = Run("evaluate", "--model", dir.File("model"), "--data", dir.File("test.jsonl"));
        Assert.Equal(0, code);
        Assert.Contains("2 texts, accuracy 100.00", output, StringComparison.Ordinal);
        Assert.Contains("confusion matrix", output, StringComparison.Ordinal);

        (code, output, _) = Run("predict", "--model", dir.File("model"), "claim your free prize now");
        Assert.Equal(0, code);
        Assert.StartsWith("spam\t", output, StringComparison.Ordinal);
    }
}
