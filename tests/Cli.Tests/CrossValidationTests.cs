using System.Globalization;
using System.Text.RegularExpressions;
using TextClassification.Model.Data;
using TextClassification.Model.Text;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Tests;

/// <summary><c>textclf crossval</c>: stratified, disjoint folds that cover the data; one model per fold; mean and sample standard deviation.</summary>
public sealed partial class CrossValidationTests
{
    private static readonly string Data = Path.Combine(RepoPaths.Fixtures, "parity", "train.jsonl");

    [Fact]
    public void FoldsAreStratifiedDisjointCoveringAndBalanced()
    {
        var labels = DataFile.Read(Data).Select(d => d.Label).ToList();
        const int K = 5;
        int[] fold = StratifiedFolds.Assign(labels, K, seed: 42);
        Assert.Equal(labels.Count, fold.Length); // one fold per example: disjoint, and every example is held out once
        Assert.All(fold, f => Assert.InRange(f, 0, K - 1));
        var sizes = Enumerable.Range(0, K).Select(f => fold.Count(x => x == f)).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1, $"fold sizes {string.Join(", ", sizes)}");
        foreach (string label in labels.Distinct())
        {
            int total = labels.Count(l => l == label);
            var perFold = Enumerable.Range(0, K).Select(f => labels.Where((l, i) => l == label && fold[i] == f).Count()).ToList();
            Assert.All(perFold, count => Assert.InRange(count, total / K, (total + K - 1) / K));
        }
    }

    [Fact]
    public void FoldsAreTheSameForASeedAndShuffledByIt()
    {
        var labels = DataFile.Read(Data).Select(d => d.Label).ToList();
        Assert.Equal(StratifiedFolds.Assign(labels, 5, seed: 1), StratifiedFolds.Assign(labels, 5, seed: 1));
        Assert.NotEqual(StratifiedFolds.Assign(labels, 5, seed: 1), StratifiedFolds.Assign(labels, 5, seed: 2));
    }

    [Fact]
    public void ALabelWithFewerExamplesThanFoldsIsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => StratifiedFolds.Assign(["a", "a", "a", "b", "b"], 3, seed: 0));
        Assert.Contains("label \"b\" has 2 example(s); 3 folds need at least 3 of each label", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => StratifiedFolds.Assign(["a", "b"], 1, seed: 0));
    }

    [Fact]
    public void PrintsEachFoldThenTheMeanAndSampleStandardDeviation()
    {
        var run = CliRun.Of("crossval", "--data", Data, "--folds", "4", "--epochs", "2", "--embed-dim", "8", "--min-freq", "2", "--ngrams", "2", "--seed", "3");
        Assert.True(run.Code == 0, run.Err);
        var folds = FoldLine().Matches(run.Out);
        Assert.Equal(["1", "2", "3", "4"], folds.Select(m => m.Groups["fold"].Value));
        var data = DataFile.Read(Data);
        Assert.All(folds, m => Assert.Equal(data.Count, int.Parse(m.Groups["train"].Value, CultureInfo.InvariantCulture) + int.Parse(m.Groups["test"].Value, CultureInfo.InvariantCulture)));

        // Each fold's vocabulary comes from its training folds only (unigrams + bigrams, min freq 2).
        int[] assignment = StratifiedFolds.Assign([.. data.Select(d => d.Label)], 4, seed: 3);
        for (int f = 0; f < 4; f++)
        {
            var trainTerms = data.Where((_, i) => assignment[i] != f).Select(d => NGrams.Expand(BasicEnglishTokenizer.Instance.Tokenize(d.Text), 2));
            Assert.Equal(Vocabulary.Build(trainTerms, minFreq: 2).Count, int.Parse(folds[f].Groups["vocab"].Value, CultureInfo.InvariantCulture));
        }

        var accuracies = folds.Select(m => double.Parse(m.Groups["accuracy"].Value, CultureInfo.InvariantCulture)).ToList();
        double mean = accuracies.Average();
        double sample = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Count - 1));
        var summary = SummaryLine().Match(run.Out);
        Assert.True(summary.Success, run.Out);
        Assert.Equal(mean, double.Parse(summary.Groups["mean"].Value, CultureInfo.InvariantCulture), 0.011);
        Assert.Equal(sample, double.Parse(summary.Groups["std"].Value, CultureInfo.InvariantCulture), 0.011);
    }

    [Fact]
    public void GivesTheSameFiguresForTheSameSeed()
    {
        string[] args = ["crossval", "--data", Data, "--folds", "3", "--epochs", "1", "--embed-dim", "4", "--seed", "9"];
        Assert.Equal(Figures(CliRun.Of(args).Out), Figures(CliRun.Of(args).Out));
    }

    [Theory]
    [InlineData("--folds", "1", "--folds must be at least 2 (got 1)")]
    [InlineData("--folds", "101", "--folds must be at most 100 (got 101)")]
    [InlineData("--ngrams", "7", "--ngrams must be at most 6 (got 7)")]
    public void BadFoldsOrTrainingValuesAreUsageErrors(string option, string value, string message)
    {
        var run = CliRun.Of("crossval", "--data", Data, option, value);
        Assert.Equal(2, run.Code);
        Assert.Contains($"error: {message}", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreFoldsThanALabelHasExamplesIsAUsageErrorNamingTheLabel()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("small.jsonl"), [.. TinyData.Train.Select(r => $"{{\"text\":\"{r.Text}\",\"label\":\"{r.Label}\"}}"), "{\"text\":\"odd one\",\"label\":\"other\"}"]);
        var run = CliRun.Of("crossval", "--data", dir.File("small.jsonl"), "--folds", "3");
        Assert.Equal(2, run.Code);
        Assert.Contains("error: --folds 3: label \"other\" has 1 example(s); 3 folds need at least 3 of each label", run.Err, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    /// <summary>The output without the seconds each fold took.</summary>
    private static string Figures(string output) => Seconds().Replace(output, "");

    [GeneratedRegex(@"^fold (?<fold>\d+)/\d+: train (?<train>\d+), test (?<test>\d+), vocab (?<vocab>\d+), accuracy (?<accuracy>[\d.]+) %", RegexOptions.Multiline)]
    private static partial Regex FoldLine();

    [GeneratedRegex(@"^mean accuracy (?<mean>[\d.]+) % ± (?<std>[\d.]+) % \(sample standard deviation, n-1\) over \d+ folds", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();

    [GeneratedRegex(@"\([\d.]+ s\)")]
    private static partial Regex Seconds();
}
