using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TextClassification.Server.OpenInference;

/// <summary>An Open Inference Protocol error: V2 clients read the message from <c>error</c>.</summary>
internal sealed record OpenInferenceError([property: Description("What is wrong.")] string Error);

/// <summary>GET /v2: the server and the protocol extensions it implements.</summary>
internal sealed record ServerMetadataResponse(string Name, string Version, IReadOnlyList<string> Extensions);

/// <summary>A tensor the model takes or produces; -1 is a dimension of any size (the batch).</summary>
internal sealed record TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape);

/// <summary>GET /v2/models/{name}: the model's inputs and outputs, and its labels in the order of the probability columns.</summary>
internal sealed record ModelMetadataResponse(
    string Name,
    IReadOnlyList<string> Versions,
    [property: Description("\"torchsharp\": the model runs in TorchSharp (libtorch through .NET) and takes text, not Triton's pytorch_libtorch tensors.")] string Platform,
    IReadOnlyList<TensorMetadata> Inputs,
    IReadOnlyList<TensorMetadata> Outputs,
    [property: Description("The class labels, in the order of the columns of probabilities and logits.")] IReadOnlyList<string> Labels);

/// <summary>An input tensor of an infer request (documentation only: the endpoint parses the body itself).</summary>
internal sealed record InferInputDocument(
    [property: Description("\"text\", or any name when it is the only input.")] string Name,
    [property: Description("[N] or [N, 1]: N texts, 1 to Model:MaxTextsPerRequest.")] IReadOnlyList<long> Shape,
    [property: Description("BYTES: each element a UTF-8 text, not empty or whitespace-only.")] string Datatype,
    [property: Description("The N texts, flat or nested as the shape; absent when parameters.binary_data_size sends them after the JSON.")] IReadOnlyList<string>? Data,
    [property: Description("binary_data_size: the bytes of this tensor after the JSON (binary tensor data extension).")] JsonObject? Parameters);

/// <summary>An output asked for in an infer request (documentation only).</summary>
internal sealed record InferRequestedOutputDocument(
    [property: Description("label, probabilities or logits.")] string Name,
    [property: Description("classification: k (1 to the number of labels) for the top k as \"<score>:<index>:<label>\"; binary_data: true for binary tensor data.")] JsonObject? Parameters);

/// <summary>POST /v2/models/{name}/infer (documentation only: the endpoint parses the body itself).</summary>
internal sealed record InferRequestDocument(
    [property: Description("Echoed in the answer.")] string? Id,
    [property: Description("binary_data_output: true for every output as binary tensor data. Unknown parameters are ignored.")] JsonObject? Parameters,
    [property: Description("One input of datatype BYTES.")] IReadOnlyList<InferInputDocument> Inputs,
    [property: Description("Which outputs to return; all three when absent.")] IReadOnlyList<InferRequestedOutputDocument>? Outputs);

/// <summary>An output tensor of an infer answer (documentation only).</summary>
internal sealed record InferOutputDocument(
    string Name,
    [property: Description("BYTES (label, classification) or FP32 (probabilities, logits).")] string Datatype,
    [property: Description("[N] for label, [N, C] for probabilities and logits (C labels, in the model metadata's order), [N, k] for classification.")] IReadOnlyList<long> Shape,
    [property: Description("Row-major values; absent when parameters.binary_data_size says they follow the JSON.")] JsonArray? Data,
    JsonObject? Parameters);

/// <summary>The answer to POST /v2/models/{name}/infer (documentation only: the endpoint writes it itself).</summary>
internal sealed record InferResponseDocument(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] string ModelVersion,
    [property: Description("The request's id, when it had one.")] string? Id,
    IReadOnlyList<InferOutputDocument> Outputs);
