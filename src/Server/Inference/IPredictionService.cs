using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>Predictions in input order, with the labels of the model that made them (a reload may change labels).</summary>
internal sealed record PredictionBatch(IReadOnlyList<string> Labels, IReadOnlyList<Prediction> Predictions);

/// <summary>
/// Inference behind an interface, so a dynamic batcher that groups concurrent requests can replace the direct call.
/// Callers check <see cref="ModelHolder.Status"/> first; calling this without a loaded model is a bug.
/// </summary>
internal interface IPredictionService
{
    ValueTask<PredictionBatch> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
