using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>
/// Predictions in input order, with the labels of the model that made them (a reload may change labels) and where the
/// request's time went.
/// </summary>
internal sealed record PredictionBatch(IReadOnlyList<string> Labels, IReadOnlyList<Prediction> Predictions, PredictionTimings Timings);
