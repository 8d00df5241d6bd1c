using System.CommandLine;
using TextClassification.Cli.Progress;
using TextClassification.Model.Bundles;
using TextClassification.Model.Data;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Commands;

/// <summary><c>textclf train</c>: the options map one to one onto <see cref="TrainingOptions"/>; the result is a bundle directory.</summary>
internal sealed class TrainCommand : Command
{
    private readonly CliStreams streams;

    private readonly Option<string[]> trainFiles = new Option<string[]>("--train")
    {
        Description = "training data; repeat for several files",
        HelpName = "FILE",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    }.AcceptDataFilesOnly();

    private readonly Option<string> testFile = new Option<string>("--test")
    {
        Description = "test data, scored after every epoch",
        HelpName = "FILE",
        Required = true,
    }.AcceptDataFilesOnly();

    private readonly Option<string> output = new("--out") { Description = "the bundle directory to write", HelpName = "DIR", Required = true };

    private readonly TrainingOptionSet hyperparameters = new();

    public TrainCommand(CliStreams streams)
        : base("train", "Train a classifier on labelled texts and save it as a model bundle. " + CliOptions.DataFileFormats)
    {
        this.streams = streams;
        foreach (var option in new Option[] { trainFiles, testFile, output }.Concat(hyperparameters.All))
        {
            Add(option);
        }
        SetAction(Run);
    }

    private int Run(ParseResult parsed)
    {
        var options = hyperparameters.Read(parsed);
        string[] trainPaths = parsed.GetRequiredValue(trainFiles);
        string testPath = parsed.GetRequiredValue(testFile);
        string outputDir = parsed.GetRequiredValue(output);

        var train = trainPaths.SelectMany(DataFile.Read).ToList();
        var test = DataFile.Read(testPath);
        streams.Out.WriteLine($"train: {train.Count} texts from {string.Join(", ", trainPaths)}; test: {test.Count} texts from {testPath}");
        var result = TrainingProgress.Run(streams, options.Epochs, sink => new Trainer(options).Train(train, test, sink));
        using var model = result.Model;

        var provenance = TrainingProvenance.Create(options, result, new TrainingData(trainPaths, testPath, train.Count, test.Count));
        ModelBundle.Save(outputDir, model, result.Vocabulary, result.Labels, provenance, options.NGrams);
        streams.Out.WriteLine($"saved bundle to {outputDir} (vocab {result.Vocabulary.Count}, embed {options.EmbedDim}, ngrams {options.NGrams}, labels {string.Join(", ", result.Labels)}); "
            + $"test accuracy {result.Final.TestAccuracy:P2}");
        return 0;
    }
}
