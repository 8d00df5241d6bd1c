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
                + "A text with no known tokens is valid: its logits are the output layer's bias.")
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
        AccessLogEntry.Of(context)?.Texts = input.Texts.Count;
        var outcome = await predictions.PredictAsync(input.Texts, cancellationToken);
        if (!outcome.IsAccepted)
        {
            return outcome.Rejection;
        }
        var batch = outcome.Value;
        context.Response.Headers[ServerTiming.HeaderName] = ServerTiming.Format(batch.Timings);
        if (!input.IsBatch)
        {
            return TypedResults.Ok(ToResult(batch.Predictions[0], batch.Labels));
        }
        var results = new PredictionResult[batch.Predictions.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = ToResult(batch.Predictions[i], batch.Labels);
        }
        return TypedResults.Ok(new BatchPredictionResult(results));
    }

    /// <summary>One prediction as the API answers it (also used by <see cref="PredictionWarmup"/>).</summary>
    public static PredictionResult ToResult(Prediction prediction, IReadOnlyList<string> labels)
    {
        var probabilities = new Dictionary<string, float>(labels.Count, StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
        {
            probabilities[labels[i]] = prediction.Probabilities[i];
        }
        return new PredictionResult(prediction.Label, prediction.Score, probabilities);
    }
}
