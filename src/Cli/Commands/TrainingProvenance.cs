using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using TextClassification.Model;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Commands;

/// <summary>The bundle's <c>provenance</c> block: who trained it, with which hyperparameters, on which data, how well.</summary>
internal static class TrainingProvenance
{
    public static JsonObject Create(TrainingOptions options, TrainingResult result, TrainingData data) => new()
    {
        ["trainer"] = $"textclf {typeof(TrainingProvenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev"} (TorchSharp)",
        ["created_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["hyperparameters"] = Hyperparameters(options),
        ["data"] = new JsonArray([.. data.TrainFiles.Select(f => DataEntry(f, "train")).Append(DataEntry(data.TestFile, "test"))]),
        ["metrics"] = new JsonObject
        {
            ["test_accuracy"] = Math.Round(result.Final.TestAccuracy, 6),
            ["test_loss"] = Math.Round(result.Final.TestLoss, 6),
            ["train_loss"] = Math.Round(result.Final.TrainLoss, 6),
            ["train_examples"] = data.TrainExamples,
            ["test_examples"] = data.TestExamples,
            ["seconds_per_epoch"] = Math.Round(result.Epochs.Average(e => e.Elapsed.TotalSeconds), 3),
        },
    };

    private static JsonObject Hyperparameters(TrainingOptions options) => new()
    {
        ["learning_rate"] = options.LearningRate,
        ["batch_size"] = options.BatchSize,
        ["epochs"] = options.Epochs,
        ["embed_dim"] = options.EmbedDim,
        ["ngrams"] = options.NGrams,
        ["min_freq"] = options.MinFreq,
        ["max_tokens"] = options.MaxTokens,
        ["optimizer"] = options.Optimizer.ToString().ToLowerInvariant(),
        ["lr_step_epochs"] = options.LrStepEpochs,
        ["lr_gamma"] = options.LrGamma,
        ["clip_grad_norm"] = options.ClipGradNorm,
        ["accumulation_steps"] = options.AccumulationSteps,
        ["seed"] = options.Seed,
        ["threads"] = options.Threads,
    };

    private static JsonObject DataEntry(string path, string role) => new()
    {
        ["file"] = Path.GetFileName(path),
        ["role"] = role,
        ["sha256"] = FileHash.Sha256(path),
    };
}
