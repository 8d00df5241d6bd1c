using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace TextClassification.Server.Predictions;

/// <summary>POST /predict with one text (documentation only: the endpoint parses the body itself).</summary>
[Description("One text; no other properties.")]
internal sealed record PredictTextRequest(
    [property: Description("The text to classify; not empty or whitespace-only."), MinLength(1)] string Text);

/// <summary>POST /predict with a batch of texts (documentation only: the endpoint parses the body itself).</summary>
[Description("A batch of texts; no other properties.")]
internal sealed record PredictBatchRequest(
    [property: Description("Texts to classify, 1 to Model:MaxTextsPerRequest (see GET / for the limit); each not empty or whitespace-only."), MinLength(1)]
    IReadOnlyList<string> Texts);

/// <summary>One text's answer.</summary>
internal sealed record PredictionResult(
    [property: Description("The most probable label (the first one on a tie).")] string Label,
    [property: Description("The probability of that label.")] float Score,
    [property: Description("Softmax of the logits: every label with its probability, in the model's label order.")] IReadOnlyDictionary<string, float> Probabilities);

/// <summary>The answer to a batch: one prediction per text, in request order.</summary>
internal sealed record BatchPredictionResult(IReadOnlyList<PredictionResult> Predictions);
