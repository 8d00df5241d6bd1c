namespace TextClassification.Model.Inference;

/// <summary>
/// What one forward over a mixed batch gave (<see cref="Predictor.RunEncoded"/>): for each text in input order either
/// its prediction or its feature vector, as the caller asked.
/// </summary>
public sealed record BatchOutput(Prediction?[] Predictions, float[]?[] Embeddings);
