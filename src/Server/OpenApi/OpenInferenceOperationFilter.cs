using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using TextClassification.Server.Inference;
using TextClassification.Server.OpenInference;

namespace TextClassification.Server.OpenApi;

/// <summary>
/// Documents what the V2 infer handler parses by hand: the request schema with an example that "Try it out" sends as
/// is (two texts, every output, one as top-2 classification), and the path's model name and version filled in with the
/// served model's, so that the example works against this server unchanged.
/// </summary>
internal sealed class OpenInferenceOperationFilter(ModelHolder models, IOptions<ModelOptions> modelOptions) : IOperationFilter
{
    private const string JsonContentType = "application/json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (operation.OperationId?.StartsWith("OpenInference", StringComparison.Ordinal) != true)
        {
            return;
        }
        var identity = ModelIdentity.Of(modelOptions.Value, models.Current);
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            parameter.Example = parameter.Name switch
            {
                "name" => identity.Name,
                "version" => identity.Version ?? ModelIdentity.DefaultVersion,
                _ => parameter.Example,
            };
        }
        if (!operation.OperationId.StartsWith(OpenInferenceEndpoints.InferOperation, StringComparison.Ordinal))
        {
            return;
        }
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One BYTES input of N texts (shape [N] or [N, 1]); \"outputs\" picks label, probabilities and logits (all when absent), "
                + "with \"classification\": k for the top k. Binary tensor data: send the JSON, then the tensors' bytes, with "
                + "Inference-Header-Content-Length giving the JSON's length (Content-Type application/octet-stream or none).",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [JsonContentType] = new OpenApiMediaType
                {
                    Schema = context.SchemaGenerator.GenerateSchema(typeof(InferRequestDocument), context.SchemaRepository),
                    Example = Example(Math.Min(2, models.Current?.Predictor.Labels.Count ?? 2)),
                },
            },
        };
    }

    private static JsonObject Example(int top) => new()
    {
        ["id"] = "42",
        ["inputs"] = new JsonArray(new JsonObject
        {
            ["name"] = InferRequestParser.InputName,
            ["shape"] = new JsonArray(2),
            ["datatype"] = InferRequestParser.BytesDatatype,
            ["data"] = new JsonArray(
                "Congratulations! You have been selected to receive a $1,000 gift card. Click here to claim your prize now.",
                "Hi Sam, the quarterly report is attached. Can we go through it on Thursday at 10?"),
        }),
        ["outputs"] = new JsonArray(
            new JsonObject { ["name"] = RequestedOutput.LabelName },
            new JsonObject { ["name"] = RequestedOutput.ProbabilitiesName },
            new JsonObject { ["name"] = RequestedOutput.LogitsName, ["parameters"] = new JsonObject { [InferRequestParser.ClassificationParameter] = top } }),
    };
}
