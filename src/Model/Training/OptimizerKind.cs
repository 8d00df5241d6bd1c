namespace TextClassification.Model.Training;

/// <summary>What <see cref="Trainer"/> steps the parameters with: plain SGD (the torchtext tutorial) or Adam.</summary>
public enum OptimizerKind
{
    Sgd,
    Adam,
}
