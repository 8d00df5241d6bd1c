using TextClassification.Server.Errors;

namespace TextClassification.Server.Inference;

/// <summary>Classifies texts with the current model; refuses (503) when no model is ready or the server is overloaded.</summary>
internal interface IPredictionService
{
    ValueTask<Outcome<PredictionBatch>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
