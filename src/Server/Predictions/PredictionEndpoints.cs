using Microsoft.AspNetCore.Http.HttpResults;
using TextClassification.Model.Inference;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Observability;
using TextClassification.Server.Security;

namespace TextClassification.Server.Predictions;

internal static class PredictionEndpoints
{
    public static RouteGroupBuilder MapPredictions(this IEndpointRouteBuilder endpoints)
    {
        // The full path rather than a "/predict" prefix: a group's empty sub-route would make the route template (the
        // http_route metric label) "/predict/".
        var group = endpoints.MapGroup("").WithTags("Predictions").RejectInvalidInput();

        group.MapPost("/predict", PredictAsync)
            .WithName("Predict")
            .WithSummary("Classify one text or a batch of texts")
            .WithDescription("Send {\"text\": \"...\"} for one prediction or {\"texts\": [...]} for one per text, in order. "
                + "Probabilities are the softmax of the logits; a text gets the same answer alone as inside a batch. "
                + "A text with no known tokens is valid: its logits are the output layer's bias. "
                + "\"explain\": true adds the exact explanation of each predicted label (bias + token contributions = logit); "
                + "\"top_k\": k keeps the k most probable labels.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // An inference key when keys are on; a batch costs one rate-limit permit per text, charged once the body is parsed.
        group.RequireAuthorization(AuthPolicies.Inference).ChargePermitsPerItem();

        return group;
    }

    /// <summary>
    /// The body is bound by <see cref="JsonBody{T}"/> (media type, size, strict parse), whose refusals the group's
    /// filter answers; the request schema is documented by PredictOperationFilter. The answer says where its time went
    /// (<see cref="ServerTiming"/>).
    /// </summary>
    public static async Task<Results<Ok<PredictionResult>, Ok<BatchPredictionResult>, Rejection>> PredictAsync(
        JsonBody<PredictInput> body, IPredictionService predictions, HttpContext context, CancellationToken cancellationToken)
    {
        var input = body.Value;
        var options = input.Options;
        AccessLogEntry.Of(context)?.Texts = input.Texts.Count;
        var outcome = options.Explain
            ? await predictions.ExplainAsync(input.Texts, cancellationToken)
            : await predictions.PredictAsync(input.Texts, cancellationToken);
        if (!outcome.IsAccepted)
        {
            return outcome.Rejection;
        }
        var batch = outcome.Value;
        context.Response.Headers[ServerTiming.HeaderName] = ServerTiming.Format(batch.Timings);
        if (!input.IsBatch)
        {
            return TypedResults.Ok(ToResult(batch, 0, options));
        }
        var results = new PredictionResult[batch.Predictions.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = ToResult(batch, i, options);
        }
        return TypedResults.Ok(new BatchPredictionResult(results));
    }

    private static PredictionResult ToResult(PredictionBatch batch, int index, PredictOptions options)
    {
        var prediction = batch.Predictions[index];
        var labels = batch.Labels;
        if (options.TopK is { } k && k < labels.Count)
        {
            return WithExplanation(new PredictionResult(prediction.Label, prediction.Score, TopProbabilities(prediction, labels, k)), batch, index, options);
        }
        var result = ToResult(prediction, labels);
        return batch.Explanations is null ? result : WithExplanation(result, batch, index, options);
    }

    /// <summary>One prediction as the API answers it without options (also used by <see cref="PredictionWarmup"/>).</summary>
    public static PredictionResult ToResult(Prediction prediction, IReadOnlyList<string> labels)
    {
        var probabilities = new Dictionary<string, float>(labels.Count, StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
        {
            probabilities[labels[i]] = prediction.Probabilities[i];
        }
        return new PredictionResult(prediction.Label, prediction.Score, probabilities);
    }

    /// <summary>The <paramref name="k"/> most probable labels, most probable first (ties in label order).</summary>
    private static Dictionary<string, float> TopProbabilities(Prediction prediction, IReadOnlyList<string> labels, int k)
    {
        var order = new int[labels.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var scores = prediction.Probabilities;
        Array.Sort(order, (a, b) => scores[a] != scores[b] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        var top = new Dictionary<string, float>(k, StringComparer.Ordinal);
        for (int i = 0; i < k; i++)
        {
            top[labels[order[i]]] = scores[order[i]];
        }
        return top;
    }

    private static PredictionResult WithExplanation(PredictionResult result, PredictionBatch batch, int index, PredictOptions options) =>
        batch.Explanations is { } explanations ? result with { Explanation = ToResult(explanations[index], options.ExplainTop) } : result;

    /// <summary>Every token's contribution, or the <paramref name="top"/> largest in absolute value (ties: the earlier token), kept in the model's order.</summary>
    internal static ExplanationResult ToResult(Explanation explanation, int? top)
    {
        var tokens = explanation.Tokens;
        var kept = Enumerable.Range(0, tokens.Count);
        if (top is { } k && k < tokens.Count)
        {
            kept = kept.OrderByDescending(t => Math.Abs(tokens[t].Contribution)).ThenBy(t => t).Take(k).Order();
        }
        var results = kept.Select(t => new TokenContributionResult(tokens[t].Token, tokens[t].Id, tokens[t].Contribution, tokens[t].Unknown)).ToArray();
        return new ExplanationResult(explanation.Label, explanation.Bias, explanation.Logit, results);
    }
}
