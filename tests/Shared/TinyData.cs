using TextClassification.Model.Data;
using TextClassification.Model.Training;

namespace TextClassification.Tests;

/// <summary>A handful of separable sentences and a fast model trained on them, shared by tests.</summary>
internal static class TinyData
{
    public static readonly IReadOnlyList<LabeledText> Train =
    [
        new("win a free prize now", "spam"),
        new("free money click here", "spam"),
        new("cheap pills buy now", "spam"),
        new("claim your free prize", "spam"),
        new("buy cheap watches now", "spam"),
        new("meeting moved to monday", "ham"),
        new("see you at lunch tomorrow", "ham"),
        new("the report is attached", "ham"),
        new("can we talk about the project", "ham"),
        new("lunch meeting about the report", "ham"),
    ];

    public static readonly IReadOnlyList<LabeledText> Test =
    [
        new("free prize click now", "spam"),
        new("project meeting tomorrow", "ham"),
    ];

    public static TrainingOptions Options(int epochs = 30) => new()
    {
        LearningRate = 1.0, BatchSize = 4, Epochs = epochs, EmbedDim = 8, MinFreq = 1, LrStepEpochs = 0, ClipGradNorm = 0, Seed = 7,
    };

    public static TrainingResult TrainModel(int epochs = 30) => new Trainer(Options(epochs)).Train(Train, Test);
}
