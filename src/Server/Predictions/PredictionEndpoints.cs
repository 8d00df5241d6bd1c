using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using TextClassification.Model.Inference;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Predictions;

internal static class PredictionEndpoints
{
    public static RouteGroupBuilder MapPredictions(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/predict").WithTags("Predictions");

        group.MapPost("", PredictAsync)
            .WithName("Predict")
            .WithSummary("Classify one text or a batch of texts")
            .WithDescription("Send {\"text\": \"...\"} for one prediction or {\"texts\": [...]} for one per text, in order. "
                + "Probabilities are the softmax of the logits; a text gets the same answer alone as inside a batch. "
                + "A text with no known tokens is valid: its logits are the output layer's bias.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    /// <summary>
    /// The body is read and parsed here rather than bound (and the content type checked here rather than by routing),
    /// so that every rejected request gets a precise detail. The request schema is documented by PredictOperationFilter.
    /// </summary>
    public static async Task<Results<Ok<PredictionResult>, Ok<BatchPredictionResult>, ProblemHttpResult>> PredictAsync(
        HttpContext context, IPredictionService predictions, ModelHolder models, IOptions<ModelOptions> modelOptions,
        IOptions<KestrelServerOptions> serverOptions, CancellationToken cancellationToken)
    {
        if (JsonMediaType.Problem(context.Request.ContentType) is { } mediaTypeProblem)
        {
            return Problems.UnsupportedMediaType(mediaTypeProblem);
        }
        if (models.Status != ModelStatus.Ready)
        {
            return Problems.ModelNotReady(models.Failure is { } failure ? $"No model is loaded: {failure}" : "The model is still loading; retry shortly.");
        }
        var (body, readProblem) = await RequestBody.ReadAsync(context, serverOptions.Value.Limits.MaxRequestBodySize, cancellationToken);
        if (body is null)
        {
            return readProblem!;
        }
        PredictInput? input;
        using (body)
        {
            if (!PredictRequestParser.TryParse(body.Memory, modelOptions.Value.MaxBatchSize, out input, out string? problem))
            {
                return Problems.InvalidRequest(problem!);
            }
        }
        PredictionBatch batch;
        try
        {
            batch = await predictions.PredictAsync(input!.Texts, cancellationToken);
        }
        catch (InferenceQueueFullException ex)
        {
            context.Response.Headers.RetryAfter = "1";
            return Problems.Overloaded(ex.Message);
        }
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

    private static PredictionResult ToResult(Prediction prediction, IReadOnlyList<string> labels)
    {
        var probabilities = new Dictionary<string, float>(labels.Count, StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
        {
            probabilities[labels[i]] = prediction.Probabilities[i];
        }
        return new PredictionResult(prediction.Label, prediction.Score, probabilities);
    }
}
