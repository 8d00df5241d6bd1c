using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>
/// Predictions in input order, with the labels of the model that made them (a reload may change labels) and where the
/// request's time went. An explained request also has each prediction's explanation; an embedding request has no
/// predictions but each text's feature vector.
/// </summary>
internal sealed record PredictionBatch(IReadOnlyList<string> Labels, IReadOnlyList<Prediction> Predictions, PredictionTimings Timings)
{
    /// <summary>For POST /predict with explain: the explanation of each prediction's label, in input order.</summary>
    public IReadOnlyList<Explanation>? Explanations { get; init; }

    /// <summary>For POST /embed: each text's EmbeddingBag output, in input order.</summary>
    public IReadOnlyList<float[]>? Embeddings { get; init; }
}
