using System.CommandLine;
using System.Diagnostics;
using TextClassification.Model.Data;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Commands;

/// <summary>
/// <c>textclf crossval</c>: stratified k-fold cross-validation with <c>train</c>'s hyperparameters. Each fold trains a
/// new model (vocabulary built on its training folds only) and scores the held-out fold after the last epoch.
/// </summary>
internal sealed class CrossValidateCommand : Command
{
    public const int MaxFolds = 100;

    private readonly CliStreams streams;

    private readonly Option<string[]> dataFiles = new Option<string[]>("--data")
    {
        Description = "labelled texts, pooled; repeat for several files (e.g. a train and a test file)",
        HelpName = "FILE",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    }.AcceptDataFilesOnly();

    private readonly Option<int> folds = CliOptions.Integer("--folds", "number of folds; each is held out once", 5, min: 2, max: MaxFolds);

    private readonly TrainingOptionSet hyperparameters = new();

    public CrossValidateCommand(CliStreams streams)
        : base("crossval", "Stratified k-fold cross-validation: mean and standard deviation of test accuracy with train's options. " + CliOptions.DataFileFormats)
    {
        this.streams = streams;
        foreach (var option in new Option[] { dataFiles, folds }.Concat(hyperparameters.All))
        {
            Add(option);
        }
        SetAction(Run);
    }

    private int Run(ParseResult parsed)
    {
        var options = hyperparameters.Read(parsed);
        string[] paths = parsed.GetRequiredValue(dataFiles);
        int k = parsed.GetValue(folds);
        var data = paths.SelectMany(DataFile.Read).ToList();
        int[] assignment;
        try
        {
            assignment = StratifiedFolds.Assign([.. data.Select(d => d.Label)], k, options.Seed);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"--folds {k}: {ex.Message.Split(" (Parameter")[0]}");
        }
        streams.Out.WriteLine($"data: {data.Count} texts from {string.Join(", ", paths)}; {k} stratified folds (seed {options.Seed}), ngrams {options.NGrams}, min freq {options.MinFreq}");
        var accuracies = new List<double>();
        for (int fold = 0; fold < k; fold++)
        {
            var watch = Stopwatch.StartNew();
            var train = data.Where((_, i) => assignment[i] != fold).ToList();
            var test = data.Where((_, i) => assignment[i] == fold).ToList();
            var result = new Trainer(options).Train(train, test);
            result.Model.Dispose();
            accuracies.Add(result.Final.TestAccuracy);
            streams.Out.WriteLine($"fold {fold + 1}/{k}: train {train.Count}, test {test.Count}, vocab {result.Vocabulary.Count}, accuracy {result.Final.TestAccuracy:P2} ({watch.Elapsed.TotalSeconds:F1} s)");
        }
        double mean = accuracies.Average();
        double sampleStd = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (k - 1));
        streams.Out.WriteLine($"mean accuracy {mean:P2} ± {sampleStd:P2} (sample standard deviation, n-1) over {k} folds; min {accuracies.Min():P2}, max {accuracies.Max():P2}");
        return 0;
    }
}
