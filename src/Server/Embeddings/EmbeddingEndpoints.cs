using Microsoft.AspNetCore.Http.HttpResults;
using TextClassification.Model.Inference;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Observability;
using TextClassification.Server.Predictions;
using TextClassification.Server.Security;

namespace TextClassification.Server.Embeddings;

internal static class EmbeddingEndpoints
{
    public static RouteGroupBuilder MapEmbeddings(this IEndpointRouteBuilder endpoints)
    {
        // The full path, as for /predict: the route template is the metrics' http_route label.
        var group = endpoints.MapGroup("").WithTags("Embeddings").RejectInvalidInput();

        group.MapPost("/embed", EmbedAsync)
            .WithName("Embed")
            .WithSummary("The feature vector of one text or a batch of texts")
            .WithDescription("Send {\"text\": \"...\"} for one vector or {\"texts\": [...]} for one per text, in order; \"normalize\": true "
                + "scales each to unit L2 norm. The vector is the model's EmbeddingBag output (the mean of the tokens' embedding rows, "
                + "unknown tokens as <unk>); only a text with no tokens at all gives zeros. Same limits and errors as POST /predict.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // As /predict: an inference key when keys are on; one rate-limit permit per text.
        group.RequireAuthorization(AuthPolicies.Inference).ChargePermitsPerItem();

        return group;
    }

    /// <summary>
    /// Bound and refused like POST /predict (<see cref="JsonBody{T}"/>); the texts share the inference queue and the
    /// EmbeddingBag forward with predictions (<see cref="IPredictionService.EmbedAsync"/>).
    /// </summary>
    public static async Task<Results<Ok<EmbeddingResult>, Ok<BatchEmbeddingResult>, Rejection>> EmbedAsync(
        JsonBody<EmbedInput> body, IPredictionService predictions, HttpContext context, CancellationToken cancellationToken)
    {
        var input = body.Value;
        AccessLogEntry.Of(context)?.Texts = input.Texts.Count;
        var outcome = await predictions.EmbedAsync(input.Texts, cancellationToken);
        if (!outcome.IsAccepted)
        {
            return outcome.Rejection;
        }
        var batch = outcome.Value;
        context.Response.Headers[ServerTiming.HeaderName] = ServerTiming.Format(batch.Timings);
        var embeddings = batch.Embeddings!;
        if (input.Options.Normalize)
        {
            foreach (var embedding in embeddings)
            {
                EmbeddingVector.Normalize(embedding);
            }
        }
        return input.IsBatch
            ? TypedResults.Ok(new BatchEmbeddingResult(embeddings))
            : TypedResults.Ok(new EmbeddingResult(embeddings[0]));
    }
}
