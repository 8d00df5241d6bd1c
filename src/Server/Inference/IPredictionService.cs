using TextClassification.Server.Errors;

namespace TextClassification.Server.Inference;

/// <summary>
/// Classifies texts with the current model, explains the answers or gives the texts' feature vectors; refuses (503)
/// when no model is ready or the server is overloaded, and (400) explanations or feature vectors that the model cannot give.
/// </summary>
internal interface IPredictionService
{
    ValueTask<Outcome<PredictionBatch>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);

    /// <summary>Predictions with <see cref="PredictionBatch.Explanations"/>.</summary>
    ValueTask<Outcome<PredictionBatch>> ExplainAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);

    /// <summary>No predictions, but <see cref="PredictionBatch.Embeddings"/>.</summary>
    ValueTask<Outcome<PredictionBatch>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
