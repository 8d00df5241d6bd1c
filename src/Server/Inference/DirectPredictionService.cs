using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>
/// Runs the shared predictor synchronously on the request's thread; the predictor opens inference_mode and a
/// dispose scope per call and nothing is awaited inside them.
/// One forward per text, on purpose: the Linear layer's matrix multiply rounds differently for different batch
/// sizes (last-bit differences in the logits), so a batched forward would make a text's answer depend on the texts
/// sent with it. One text per forward gives every text the same answer alone, in a batch, or under load.
/// </summary>
internal sealed class DirectPredictionService(ModelHolder holder) : IPredictionService
{
    public ValueTask<PredictionBatch> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var model = holder.Current ?? throw new InvalidOperationException("no model is loaded; check ModelHolder.Status before predicting");
        var predictor = model.Predictor;
        var predictions = new Prediction[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            predictions[i] = predictor.Predict(texts[i]);
        }
        return ValueTask.FromResult(new PredictionBatch(predictor.Labels, predictions));
    }
}
