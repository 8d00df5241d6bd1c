using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TextClassification.Server.Embeddings;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Predictions;

namespace TextClassification.Server.OpenApi;

/// <summary>
/// Documents what the POST /embed handler parses by hand (as <see cref="PredictOperationFilter"/> does for /predict):
/// the request shapes with examples, the answer shapes, and what each error status means with the configured limits.
/// </summary>
internal sealed class EmbedOperationFilter(IOptions<ModelOptions> modelOptions, IOptions<KestrelServerOptions> serverOptions) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (operation.OperationId != "Embed")
        {
            return;
        }
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "Exactly one of \"text\" or \"texts\", optionally \"normalize\"; strict JSON, unknown properties rejected (as POST /predict).",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [PredictOperationFilter.JsonContentType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { OneOf = [PredictOperationFilter.Schema<EmbedTextRequest>(context), PredictOperationFilter.Schema<EmbedBatchRequest>(context)] },
                    Examples = new Dictionary<string, IOpenApiExample>
                    {
                        ["one text"] = new OpenApiExample { Summary = "One text", Value = new JsonObject { ["text"] = "Free prize! Click now" } },
                        ["batch, normalized"] = new OpenApiExample
                        {
                            Summary = "A batch of texts, each vector scaled to unit length",
                            Value = new JsonObject { ["texts"] = new JsonArray("lunch at noon?", "you won a cruise"), ["normalize"] = true },
                        },
                    },
                },
            },
        };
        operation.Responses ??= [];
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = "For \"text\": {\"embedding\": [d floats]}. For \"texts\": {\"embeddings\": [[...], ...]} in request order. "
                + "A text with no tokens at all gives zeros; unknown words are <unk> in the bag.",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [PredictOperationFilter.JsonContentType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { OneOf = [PredictOperationFilter.Schema<EmbeddingResult>(context), PredictOperationFilter.Schema<BatchEmbeddingResult>(context)] },
                },
            },
        };
        int maxTexts = modelOptions.Value.MaxTextsPerRequest;
        PredictOperationFilter.Describe(operation, "400", $"Invalid body (as POST /predict: strict JSON, exactly one of text/texts, at most {maxTexts} texts, "
            + "normalize a boolean), or a TorchScript model without the standard embedding/fc layers.",
            Problems.BadRequestType, "Invalid request", "\"normalize\" must be true or false, not a string.");
        if (serverOptions.Value.Limits.MaxRequestBodySize is { } limit)
        {
            var tooLarge = Problems.ContentTooLarge(limit);
            PredictOperationFilter.Describe(operation, "413", $"The body is larger than {limit} bytes (Kestrel:Limits:MaxRequestBodySize).", tooLarge.Type, tooLarge.Title, tooLarge.Detail);
        }
        else
        {
            operation.Responses.Remove("413");
        }
        PredictOperationFilter.Describe(operation, "415", "Content-Type is missing or not application/json.",
            Problems.UnsupportedMediaTypeType, "Unsupported media type", "Content-Type \"text/plain\" is not supported; send the body as application/json.");
        PredictOperationFilter.Describe(operation, "503", "No model is loaded, or the inference queue is full (with Retry-After: 1).",
            Problems.ServiceUnavailableType, "Model not ready", ModelHolder.LoadingDetail);
    }
}
