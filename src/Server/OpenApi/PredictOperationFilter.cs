using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Predictions;

namespace TextClassification.Server.OpenApi;

/// <summary>
/// Documents what the POST /predict handler parses by hand: the request as "one text", "a batch" or "explained" with
/// realistic examples ("Try it out" starts from them), the answer shapes with what the served model answers to those
/// examples (none while no model is loaded), and what each error status means, with the configured limits.
/// </summary>
internal sealed class PredictOperationFilter(ModelHolder models, IOptions<ModelOptions> modelOptions, IOptions<KestrelServerOptions> serverOptions)
    : IOperationFilter
{
    internal const string JsonContentType = "application/json";
    private const int ExplainTopExample = 5;
    private const string SpamExample = "Congratulations! You have been selected to receive a $1,000 gift card. Click here to claim your prize now.";
    private const string HamExample = "Hi Sam, the quarterly report is attached. Can we go through it on Thursday at 10?";
    private const string PhishingExample = "URGENT: your account has been suspended. Verify your password at the link below within 24 hours.";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (operation.OperationId != "Predict")
        {
            return;
        }
        operation.RequestBody = RequestBody(context);
        operation.Responses ??= [];
        operation.Responses["200"] = new OpenApiResponse
        {
            Description = "For \"text\": one prediction. For \"texts\": {\"predictions\": [...]} in request order.",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [JsonContentType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { OneOf = [Schema<PredictionResult>(context), Schema<BatchPredictionResult>(context)] },
                    Examples = AnswerExamples(),
                },
            },
        };
        DescribeErrors(operation);
    }

    private static OpenApiRequestBody RequestBody(OperationFilterContext context) => new()
    {
        Required = true,
        Description = "Exactly one of \"text\" or \"texts\", optionally \"explain\", \"explain_top\" (with explain) and \"top_k\"; "
            + "strict JSON (UTF-8, no comments or trailing commas), unknown properties rejected.",
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
                        Value = new JsonObject { ["text"] = SpamExample },
                    },
                    ["batch"] = new OpenApiExample
                    {
                        Summary = "A batch of texts",
                        Value = new JsonObject
                        {
                            ["texts"] = new JsonArray(HamExample, PhishingExample),
                        },
                    },
                    ["explained"] = new OpenApiExample
                    {
                        Summary = "One text, explained: each token's exact share of the predicted label's logit (the 5 largest kept)",
                        Value = new JsonObject { ["text"] = SpamExample, ["explain"] = true, ["explain_top"] = ExplainTopExample },
                    },
                },
            },
        },
    };

    /// <summary>Each error status with what causes it, the configured limits included, and an example answer.</summary>
    private void DescribeErrors(OpenApiOperation operation)
    {
        int maxTexts = modelOptions.Value.MaxTextsPerRequest;
        long? maxBody = serverOptions.Value.Limits.MaxRequestBodySize;
        Describe(operation, "400", $"Invalid body: not strict JSON, nested deeper than {PredictRequestParser.MaxDepth}, not an object with exactly one "
            + $"of text/texts, a wrong type, an empty or whitespace-only text, no texts, or more than {maxTexts} texts ({ModelOptions.MaxTextsPerRequestKey}); "
            + "explain not a boolean, explain_top or top_k not a whole number ≥ 1, explain_top without \"explain\": true; "
            + "or explain asked of a TorchScript model without the standard embedding/fc layers.",
            Problems.BadRequestType, "Invalid request", "\"texts[1]\" is empty or whitespace-only; send some text to classify.");
        if (maxBody is { } limit)
        {
            var tooLarge = Problems.ContentTooLarge(limit);
            Describe(operation, "413", $"The body is larger than {limit} bytes (Kestrel:Limits:MaxRequestBodySize).", tooLarge.Type, tooLarge.Title, tooLarge.Detail);
        }
        else
        {
            operation.Responses?.Remove("413");
        }
        Describe(operation, "415", "Content-Type is missing or not application/json (parameters such as charset=utf-8 are fine).",
            Problems.UnsupportedMediaTypeType, "Unsupported media type", "Content-Type \"text/plain\" is not supported; send the body as application/json.");
        Describe(operation, "503", "No model is loaded (still loading, or Model:Required=false and loading failed), or the inference queue is full "
            + "(with Retry-After: 1).",
            Problems.ServiceUnavailableType, "Model not ready", ModelHolder.LoadingDetail);
    }

    /// <summary>What the served model answers to the request examples; none while no model is loaded.</summary>
    private Dictionary<string, IOpenApiExample>? AnswerExamples()
    {
        if (models.Acquire() is not { } model)
        {
            return null;
        }
        try
        {
            var predictor = model.Predictor;
            var predictions = predictor.Predict([SpamExample, HamExample, PhishingExample]);
            var labels = predictor.Labels;
            var examples = new Dictionary<string, IOpenApiExample>
            {
                ["one text"] = new OpenApiExample { Value = Answer(predictions[0], labels) },
                ["batch"] = new OpenApiExample { Value = new JsonObject { ["predictions"] = new JsonArray(Answer(predictions[1], labels), Answer(predictions[2], labels)) } },
            };
            if (predictor.FeaturesUnavailableReason is null)
            {
                var explanation = predictor.Explain(SpamExample, predictor.Encode(SpamExample), predictions[0].LabelIndex);
                var explained = Answer(predictions[0], labels);
                explained["explanation"] = JsonSerializer.SerializeToNode(PredictionEndpoints.ToResult(explanation, ExplainTopExample), ServerJsonContext.Default.ExplanationResult);
                examples["explained"] = new OpenApiExample { Value = explained };
            }
            return examples;
        }
        finally
        {
            model.Release();
        }
    }

    private static JsonObject Answer(Model.Inference.Prediction prediction, IReadOnlyList<string> labels)
    {
        var probabilities = new JsonObject();
        for (int i = 0; i < labels.Count; i++)
        {
            probabilities[labels[i]] = prediction.Probabilities[i];
        }
        return new JsonObject { ["label"] = prediction.Label, ["score"] = prediction.Score, ["probabilities"] = probabilities };
    }

    internal static IOpenApiSchema Schema<T>(OperationFilterContext context) =>
        context.SchemaGenerator.GenerateSchema(typeof(T), context.SchemaRepository);

    internal static void Describe(OpenApiOperation operation, string status, string description, string type, string title, string detail)
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
