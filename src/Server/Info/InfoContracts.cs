using System.ComponentModel;
using System.Text.Json;
using TextClassification.Server.Lifecycle;

namespace TextClassification.Server.Info;

/// <summary>GET /: what this service is and where to go next.</summary>
internal sealed record ServiceInfo(string Name, string Version, ModelSummary Model, ServiceLimits Limits, ServiceLinks Links);

internal sealed record ModelSummary(
    [property: Description("Loading, Ready or Failed.")] string Status,
    string? Architecture,
    IReadOnlyList<string>? Labels,
    string? WeightsSha256,
    [property: Description("Why no model is served, when Status is Failed.")] string? Problem);

internal sealed record ServiceLimits(
    [property: Description("Most texts accepted in one request (Model:MaxTextsPerRequest).")] int MaxTextsPerRequest,
    [property: Description("Largest request body in bytes (Kestrel:Limits:MaxRequestBodySize); null for none.")] long? MaxRequestBodySize,
    [property: Description("Deepest JSON nesting accepted.")] int MaxJsonDepth);

internal sealed record ServiceLinks(string? Swagger, string? OpenApi, string Predict, string Health, string Liveness, string Model);

/// <summary>GET /model: the served model.</summary>
internal sealed record ModelInfo(
    string Architecture,
    IReadOnlyList<string> Labels,
    long VocabSize,
    long EmbedDim,
    long NumClass,
    long ParameterCount,
    string Tokenizer,
    [property: Description("SHA-256 of the weights file, lowercase hex.")] string WeightsSha256,
    string WeightsFile,
    [property: Description("The name of the bundle directory in service (its location stays in the server's log).")] string Bundle,
    DateTimeOffset LoadedAt,
    [property: Description("Time to read config, vocabulary and weights (load_state_dict, eval()).")] double LoadMilliseconds,
    [property: Description("Time of the warm-up forward pass run before reporting ready.")] double WarmupMilliseconds,
    [property: Description("Where the model came from, as recorded in config.json (free-form).")] JsonElement? Provenance,
    [property: Description("The last hot reload (SIGHUP or Model:Watch), null before any; a failed one left this model serving.")] ReloadAttempt? LastReload);
