using TextClassification.Model.Modeling;
using TextClassification.Model.Text;

namespace TextClassification.Model.Training;

/// <summary>The trained model with the vocabulary and labels it needs, and the per-epoch history.</summary>
public sealed record TrainingResult(TextClassifier Model, Vocabulary Vocabulary, IReadOnlyList<string> Labels, IReadOnlyList<EpochResult> Epochs)
{
    public EpochResult Final => Epochs[^1];
}
