using System.CommandLine;
using System.CommandLine.Parsing;
using TextClassification.Cli.Progress;
using TextClassification.Model.Bundles;
using TextClassification.Model.Data;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Commands;

/// <summary><c>textclf train</c>: the options map one to one onto <see cref="TrainingOptions"/>; the result is a bundle directory.</summary>
internal sealed class TrainCommand : Command
{
    private static readonly TrainingOptions Defaults = new();

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

    private readonly Option<double> learningRate = CliOptions.Number("--lr", "learning rate", Defaults.LearningRate);
    private readonly Option<int> batchSize = CliOptions.Integer("--batch-size", "examples per mini-batch", Defaults.BatchSize, min: 1);
    private readonly Option<int> epochs = CliOptions.Integer("--epochs", "each epoch is a training loop then a test loop", Defaults.Epochs, min: 1);
    private readonly Option<int> embedDim = CliOptions.Integer("--embed-dim", "EmbeddingBag dimension", Defaults.EmbedDim, min: 1);
    private readonly Option<int> minFreq = CliOptions.Integer("--min-freq", "drop tokens seen fewer times from the vocabulary", Defaults.MinFreq, min: 1);
    private readonly Option<int?> maxTokens = CliOptions.OptionalInteger("--max-tokens", "largest vocabulary, <unk> included [default: no limit]", min: 2);

    private readonly Option<string> optimizer = new("--optimizer")
    {
        Description = "the optimizer",
        HelpName = "sgd|adam",
        CustomParser = ParseOptimizer,
        DefaultValueFactory = _ => Defaults.Optimizer.ToString().ToLowerInvariant(),
    };

    private readonly Option<int> lrStep = CliOptions.Integer("--lr-step", "StepLR: multiply the rate by --lr-gamma every N epochs (0: constant)", Defaults.LrStepEpochs, min: 0);
    private readonly Option<double> lrGamma = CliOptions.Number("--lr-gamma", "StepLR factor, in (0, 1]", Defaults.LrGamma);
    private readonly Option<double> clip = CliOptions.Number("--clip", "gradient clipping by global norm (0: off)", Defaults.ClipGradNorm);
    private readonly Option<int> accumulate = CliOptions.Integer("--accumulate", "zero_grad/step every N batches, each loss scaled by 1/N", Defaults.AccumulationSteps, min: 1);
    private readonly Option<int> seed = CliOptions.Integer("--seed", "random seed; results are deterministic for a seed", Defaults.Seed, min: int.MinValue);
    private readonly Option<int> threads = CliOptions.Integer("--threads", "torch intra-op threads", Defaults.Threads, min: 1);

    public TrainCommand(CliStreams streams)
        : base("train", "Train a classifier on labelled texts and save it as a model bundle. " + CliOptions.DataFileFormats)
    {
        this.streams = streams;
        Option[] options = [trainFiles, testFile, output, learningRate, batchSize, epochs, embedDim, minFreq, maxTokens, optimizer, lrStep, lrGamma, clip, accumulate, seed, threads];
        foreach (var option in options)
        {
            Add(option);
        }
        SetAction(Run);
    }

    private static string ParseOptimizer(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var names = Enum.GetNames<OptimizerKind>().Select(name => name.ToLowerInvariant()).ToList();
        if (names.Contains(text.ToLowerInvariant()))
        {
            return text.ToLowerInvariant();
        }
        result.AddError($"--optimizer must be {string.Join(" or ", names)} (got \"{text}\")");
        return "";
    }

    private TrainingOptions ReadOptions(ParseResult parsed) => new()
    {
        LearningRate = parsed.GetValue(learningRate),
        BatchSize = parsed.GetValue(batchSize),
        Epochs = parsed.GetValue(epochs),
        EmbedDim = parsed.GetValue(embedDim),
        MinFreq = parsed.GetValue(minFreq),
        MaxTokens = parsed.GetValue(maxTokens),
        Optimizer = Enum.Parse<OptimizerKind>(parsed.GetRequiredValue(optimizer), ignoreCase: true),
        LrStepEpochs = parsed.GetValue(lrStep),
        LrGamma = parsed.GetValue(lrGamma),
        ClipGradNorm = parsed.GetValue(clip),
        AccumulationSteps = parsed.GetValue(accumulate),
        Seed = parsed.GetValue(seed),
        Threads = parsed.GetValue(threads),
    };

    /// <summary>Each option checked its own value; <see cref="TrainingOptions.Validate"/> knows the rest (e.g. --lr-gamma at most 1).</summary>
    private TrainingOptions ReadValidOptions(ParseResult parsed)
    {
        var options = ReadOptions(parsed);
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }
        return options;
    }

    private int Run(ParseResult parsed)
    {
        var options = ReadValidOptions(parsed);
        string[] trainPaths = parsed.GetRequiredValue(trainFiles);
        string testPath = parsed.GetRequiredValue(testFile);
        string outputDir = parsed.GetRequiredValue(output);

        var train = trainPaths.SelectMany(DataFile.Read).ToList();
        var test = DataFile.Read(testPath);
        streams.Out.WriteLine($"train: {train.Count} texts from {string.Join(", ", trainPaths)}; test: {test.Count} texts from {testPath}");
        var result = TrainingProgress.Run(streams, options.Epochs, sink => new Trainer(options).Train(train, test, sink));
        using var model = result.Model;

        var provenance = TrainingProvenance.Create(options, result, new TrainingData(trainPaths, testPath, train.Count, test.Count));
        ModelBundle.Save(outputDir, model, result.Vocabulary, result.Labels, provenance);
        streams.Out.WriteLine($"saved bundle to {outputDir} (vocab {result.Vocabulary.Count}, embed {options.EmbedDim}, labels {string.Join(", ", result.Labels)}); "
            + $"test accuracy {result.Final.TestAccuracy:P2}");
        return 0;
    }
}
