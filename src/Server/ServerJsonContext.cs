using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TextClassification.Server.Embeddings;
using TextClassification.Server.Health;
using TextClassification.Server.Info;
using TextClassification.Server.OpenInference;
using TextClassification.Server.Predictions;

namespace TextClassification.Server;

/// <summary>Source-generated JSON for every DTO the API reads or writes (camelCase, as ASP.NET Core's web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PredictTextRequest))]
[JsonSerializable(typeof(PredictBatchRequest))]
[JsonSerializable(typeof(PredictionResult))]
[JsonSerializable(typeof(BatchPredictionResult))]
[JsonSerializable(typeof(ExplanationResult))]
[JsonSerializable(typeof(EmbedTextRequest))]
[JsonSerializable(typeof(EmbedBatchRequest))]
[JsonSerializable(typeof(EmbeddingResult))]
[JsonSerializable(typeof(BatchEmbeddingResult))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(LivenessResponse))]
[JsonSerializable(typeof(ServiceInfo))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(OpenInferenceError))]
[JsonSerializable(typeof(ServerMetadataResponse))]
[JsonSerializable(typeof(ModelMetadataResponse))]
[JsonSerializable(typeof(InferRequestDocument))]
[JsonSerializable(typeof(InferResponseDocument))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
