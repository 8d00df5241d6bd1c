using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace TextClassification.Server.Predictions;

/// <summary>POST /predict with one text (documentation only: the endpoint parses the body itself).</summary>
[Description("One text, and optionally explain, explain_top, top_k; no other properties.")]
internal sealed record PredictTextRequest(
    [property: Description("The text to classify; not empty or whitespace-only."), MinLength(1)] string Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("explain"), Description("true: each prediction carries the exact explanation of its label (default false).")] bool? Explain = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("explain_top"), Description("Only with \"explain\": true: keep the k tokens with the largest absolute contributions (k ≥ 1; more than there are keeps all)."), Range(1, int.MaxValue)] int? ExplainTop = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("top_k"), Description("Only the k most probable labels in \"probabilities\" (k ≥ 1; more than there are keeps all)."), Range(1, int.MaxValue)] int? TopK = null);

/// <summary>POST /predict with a batch of texts (documentation only: the endpoint parses the body itself).</summary>
[Description("A batch of texts, and optionally explain, explain_top, top_k (applied to every text); no other properties.")]
internal sealed record PredictBatchRequest(
    [property: Description("Texts to classify, 1 to Model:MaxTextsPerRequest (see GET / for the limit); each not empty or whitespace-only."), MinLength(1)]
    IReadOnlyList<string> Texts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("explain"), Description("true: each prediction carries the exact explanation of its label (default false).")] bool? Explain = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("explain_top"), Description("Only with \"explain\": true: keep the k tokens with the largest absolute contributions (k ≥ 1)."), Range(1, int.MaxValue)] int? ExplainTop = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("top_k"), Description("Only the k most probable labels in \"probabilities\" (k ≥ 1)."), Range(1, int.MaxValue)] int? TopK = null);

/// <summary>One text's answer.</summary>
internal sealed record PredictionResult(
    [property: Description("The most probable label (the first one on a tie).")] string Label,
    [property: Description("The probability of that label.")] float Score,
    [property: Description("Softmax of the logits: every label with its probability, in the model's label order; with \"top_k\": k, only the k most probable, most probable first.")] IReadOnlyDictionary<string, float> Probabilities)
{
    /// <summary>Present only when the request asked for it (<c>"explain": true</c>).</summary>
    [Description("With \"explain\": true: why the model gave this label its logit, exactly.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ExplanationResult? Explanation { get; init; }
}

/// <summary>The exact explanation of one label's logit (EmbeddingBag(mean) + Linear: logit = bias + Σ contributions).</summary>
internal sealed record ExplanationResult(
    [property: Description("The label explained: the predicted one.")] string Label,
    [property: Description("The output layer's bias for that label.")] double Bias,
    [property: Description("That label's logit computed in float64: bias plus the contributions of all tokens (also those left out by \"explain_top\").")] double Logit,
    [property: Description("The tokens in the order the model sees them, each with (1/n) W_label · e_token; with \"explain_top\": k, only the k largest in absolute value, still in that order.")] IReadOnlyList<TokenContributionResult> Tokens);

/// <summary>One token's share of the explained logit.</summary>
internal sealed record TokenContributionResult(
    [property: Description("The token as the model sees it.")] string Token,
    [property: Description("Its vocabulary id (the <unk> id for an unknown token).")] int Id,
    [property: Description("(1/n) W_label · e_token, in float64; n is the number of tokens in the text.")] double Contribution,
    [property: Description("True when the token is not in the vocabulary: it is in the bag as <unk>.")] bool Unknown);

/// <summary>The answer to a batch: one prediction per text, in request order.</summary>
internal sealed record BatchPredictionResult(IReadOnlyList<PredictionResult> Predictions);
