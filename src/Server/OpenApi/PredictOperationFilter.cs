using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TextClassification.Server.Errors;
using TextClassification.Server.Predictions;

namespace TextClassification.Server.OpenApi;

/// <summary>
/// Documents what the POST /predict handler parses by hand: the request as "one text" or "a batch" with realistic
/// examples ("Try it out" starts from them), the two answer shapes, and what each error status means.
/// </summary>
internal sealed class PredictOperationFilter : IOperationFilter
{
    private const string JsonContentType = "application/json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (operation.OperationId != "Predict")
        {
            return;
        }
        var single = Schema<PredictionResult>(context);
        var batch = Schema<BatchPredictionResult>(context);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "Exactly one of \"text\" or \"texts\"; strict JSON (UTF-8, no comments or trailing commas), unknown properties rejected.",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [JsonContentType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { OneOf = [Schema<PredictTextRequest>(context), Schema<PredictBatchRequest>(context)] },
                    Examples = new Dictionary<string, IOpenApiExample>
                    {
                        ["one text"] = new OpenApiExample
                        {
                            Summary = "One text",
                            Value = new JsonObject { ["text"] = "Congratulations! You have been selected to receive a $1,000 gift card. Click here to claim your prize now." },
                        },
                        ["batch"] = new OpenApiExample
                        {
                            Summary = "A batch of texts",
                            Value = new JsonObject
                            {
                                ["texts"] = new JsonArray(
                                    "Hi Sam, the quarterly report is attached. Can we go through it on Thursday at 10?",
                                    "URGENT: your account has been suspended. Verify your password at the link below within 24 hours."),
                            },
                        },
                    },
                },
            },
        };
        operation.Responses ??= [];
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = "For \"text\": one prediction. For \"texts\": {\"predictions\": [...]} in request order.",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [JsonContentType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { OneOf = [single, batch] },
                    Examples = new Dictionary<string, IOpenApiExample>
                    {
                        ["one text"] = new OpenApiExample { Value = Prediction("spam", ham: 0.0269, spam: 0.9731) },
                        ["batch"] = new OpenApiExample
                        {
                            Value = new JsonObject { ["predictions"] = new JsonArray(Prediction("ham", ham: 0.9912, spam: 0.0088), Prediction("spam", ham: 0.1877, spam: 0.8123)) },
                        },
                    },
                },
            },
        };
        Describe(operation, "400", "Invalid body: not strict JSON, nested deeper than 64, not an object with exactly one of text/texts, a wrong type, "
            + "an empty or whitespace-only text, no texts, or more than Model:MaxBatchSize texts.",
            Problems.BadRequestType, "Invalid request", "\"texts[1]\" is empty or whitespace-only; send some text to classify.");
        Describe(operation, "413", "The body is larger than Kestrel:Limits:MaxRequestBodySize (1 MiB by default).",
            Problems.ContentTooLargeType, "Request body too large", "The request body is larger than 1048576 bytes, the limit set by Kestrel:Limits:MaxRequestBodySize.");
        Describe(operation, "415", "Content-Type is missing or not application/json (parameters such as charset=utf-8 are fine).",
            Problems.UnsupportedMediaTypeType, "Unsupported media type", "Content-Type \"text/plain\" is not supported; send the body as application/json.");
        Describe(operation, "503", "No model is loaded (still loading, or Model:Required=false and loading failed).",
            Problems.ServiceUnavailableType, "Model not ready", "The model is still loading; retry shortly.");
    }

    private static JsonObject Prediction(string label, double ham, double spam) => new()
    {
        ["label"] = label,
        ["score"] = Math.Max(ham, spam),
        ["probabilities"] = new JsonObject { ["ham"] = ham, ["spam"] = spam },
    };

    private static IOpenApiSchema Schema<T>(OperationFilterContext context) =>
        context.SchemaGenerator.GenerateSchema(typeof(T), context.SchemaRepository);

    private static void Describe(OpenApiOperation operation, string status, string description, string type, string title, string detail)
    {
        if (operation.Responses!.TryGetValue(status, out var response) && response is OpenApiResponse concrete)
        {
            concrete.Description = description;
            if (concrete.Content?.Values.FirstOrDefault() is OpenApiMediaType media)
            {
                media.Example = new JsonObject { ["type"] = type, ["title"] = title, ["status"] = int.Parse(status, CultureInfo.InvariantCulture), ["detail"] = detail };
            }
        }
    }
}
