using System.CommandLine;
using System.CommandLine.Parsing;
using TextClassification.Model.Text;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Commands;

/// <summary>The hyperparameter options shared by <c>train</c> and <c>crossval</c>, one to one onto <see cref="TrainingOptions"/>.</summary>
internal sealed class TrainingOptionSet
{
    private static readonly TrainingOptions Defaults = new();

    private readonly Option<double> learningRate = CliOptions.Number("--lr", "learning rate", Defaults.LearningRate);
    private readonly Option<int> batchSize = CliOptions.Integer("--batch-size", "examples per mini-batch", Defaults.BatchSize, min: 1);
    private readonly Option<int> epochs = CliOptions.Integer("--epochs", "each epoch is a training loop then a test loop", Defaults.Epochs, min: 1);
    private readonly Option<int> embedDim = CliOptions.Integer("--embed-dim", "EmbeddingBag dimension", Defaults.EmbedDim, min: 1);
    private readonly Option<int> ngrams = CliOptions.Integer("--ngrams", $"terms are the tokens and their n-grams up to N (torchtext's ngrams_iterator; 1: tokens only; at most {NGrams.Max})", Defaults.NGrams, min: 1, max: NGrams.Max);
    private readonly Option<int> minFreq = CliOptions.Integer("--min-freq", "drop terms seen fewer times from the vocabulary", Defaults.MinFreq, min: 1);
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

    public IEnumerable<Option> All => [learningRate, batchSize, epochs, embedDim, ngrams, minFreq, maxTokens, optimizer, lrStep, lrGamma, clip, accumulate, seed, threads];

    /// <summary>Each option checked its own value; <see cref="TrainingOptions.Validate"/> knows the rest (e.g. --lr-gamma at most 1).</summary>
    public TrainingOptions Read(ParseResult parsed)
    {
        var options = new TrainingOptions
        {
            LearningRate = parsed.GetValue(learningRate),
            BatchSize = parsed.GetValue(batchSize),
            Epochs = parsed.GetValue(epochs),
            EmbedDim = parsed.GetValue(embedDim),
            NGrams = parsed.GetValue(ngrams),
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
}
