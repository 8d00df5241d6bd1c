using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;
using TextClassification.Server.Health;
using TextClassification.Server.Inference;
using TextClassification.Server.Info;
using TextClassification.Server.Lifecycle;
using TextClassification.Server.Observability;
using TextClassification.Server.Predictions;
using TextClassification.Server.Security;

namespace TextClassification.Server.OpenInference;

/// <summary>
/// The Open Inference Protocol (KServe V2) over HTTP, beside /predict and sharing its model, batcher, limits and
/// rejections: server and model metadata, health, and infer with the classification and binary tensor data
/// extensions. Errors are the protocol's <c>{"error": "..."}</c> (<see cref="OpenInferenceErrorFormat"/>).
/// </summary>
internal static class OpenInferenceEndpoints
{
    public const string Prefix = "/v2";
    public const string Tag = "Open Inference Protocol (V2)";
    public const string Platform = "torchsharp";
    public const string InferOperation = "OpenInferenceInfer";

    /// <summary>The extensions implemented, with Triton's names.</summary>
    public static readonly IReadOnlyList<string> Extensions = ["classification", "binary_tensor_data"];

    public static RouteGroupBuilder MapOpenInference(this IEndpointRouteBuilder endpoints)
    {
        // Full paths rather than a "/v2" prefix: a group's empty sub-route would make the route template (the http_route
        // metric label) "/v2/".
        var group = endpoints.MapGroup("").WithTags(Tag).WithMetadata(OpenInferenceErrorFormat.Instance);

        // Public, like / and /health: KServe's probes and clients' server checks carry no key, and are never rate limited.
        var open = group.MapGroup("").AllowAnonymous().DisableRateLimiting();
        open.MapGet(Prefix, GetServerMetadata)
            .WithName("OpenInferenceServerMetadata")
            .WithSummary("Server metadata: name, version and the protocol extensions implemented");
        open.MapGet(Prefix + "/health/live", GetLive)
            .WithName("OpenInferenceLive")
            .WithSummary("Server live: 200 while the process runs");
        open.MapGet(Prefix + "/health/ready", GetReadyAsync)
            .WithName("OpenInferenceReady")
            .WithSummary("Server ready: 200 once the model is loaded; 503 while loading, after a failed load and while draining")
            .Produces<OpenInferenceError>(StatusCodes.Status503ServiceUnavailable);

        // An inference key when keys are on; infer costs one rate-limit permit per text, as /predict does.
        var model = group.MapGroup("").RequireAuthorization(AuthPolicies.Inference).RejectInvalidInput().ChargePermitsPerItem();
        foreach (string path in new[] { Prefix + "/models/{name}", Prefix + "/models/{name}/versions/{version}" })
        {
            bool versioned = path.EndsWith("{version}", StringComparison.Ordinal);
            string suffix = versioned ? "Version" : "";
            model.MapGet(path + "/ready", GetModelReady)
                .WithName("OpenInferenceModelReady" + suffix)
                .WithSummary("Model ready: 200 when the model can infer; 503 while it cannot; 404 for another name or version")
                .Produces<OpenInferenceError>(StatusCodes.Status404NotFound)
                .Produces<OpenInferenceError>(StatusCodes.Status503ServiceUnavailable);
            model.MapGet(path, GetModelMetadata)
                .WithName("OpenInferenceModelMetadata" + suffix)
                .WithSummary("Model metadata: name, versions, platform, the input and outputs with datatypes and shapes, and the labels in column order")
                .Produces<OpenInferenceError>(StatusCodes.Status404NotFound)
                .Produces<OpenInferenceError>(StatusCodes.Status503ServiceUnavailable);
            model.MapPost(path + "/infer", InferAsync)
                .WithName(InferOperation + suffix)
                .WithSummary("Classify texts: one BYTES input of N texts; outputs label, probabilities and logits, top-k classification, binary tensor data")
                .Produces<InferResponseDocument>(StatusCodes.Status200OK, InferResult.JsonContentType)
                .Produces<OpenInferenceError>(StatusCodes.Status400BadRequest)
                .Produces<OpenInferenceError>(StatusCodes.Status404NotFound)
                .Produces<OpenInferenceError>(StatusCodes.Status413PayloadTooLarge)
                .Produces<OpenInferenceError>(StatusCodes.Status415UnsupportedMediaType)
                .Produces<OpenInferenceError>(StatusCodes.Status503ServiceUnavailable);
        }
        return group;
    }

    public static Ok<ServerMetadataResponse> GetServerMetadata() =>
        TypedResults.Ok(new ServerMetadataResponse(InfoEndpoints.ServiceName, InfoEndpoints.Version, Extensions));

    public static Ok GetLive(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok();
    }

    /// <summary>Ready as /health is: the same checks (the model, and draining), so that readiness flips on both together.</summary>
    public static async Task<IResult> GetReadyAsync(
        HttpContext context, HealthCheckService health, DrainState drain, ReadinessTransitions transitions, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        string status = drain.IsDraining ? DrainState.DrainingStatus : report.Status.ToString();
        transitions.Observe(report, status);
        context.Response.Headers.CacheControl = "no-store";
        if (report.Status == HealthStatus.Healthy)
        {
            return TypedResults.Ok();
        }
        string reasons = string.Join("; ", report.Entries.Values.Where(entry => entry.Status != HealthStatus.Healthy).Select(entry => entry.Description));
        return OpenInferenceErrorFormat.Error($"The server is not ready ({status}): {reasons}", StatusCodes.Status503ServiceUnavailable);
    }

    public static IResult GetModelReady(
        string name, HttpContext context, ModelHolder models, IOptions<ModelOptions> options, DrainState drain)
    {
        var model = models.Current;
        if (ModelIdentity.Of(options.Value, model).Refuse(name, Version(context)) is { } unknown)
        {
            return unknown;
        }
        if (model is null || drain.IsDraining)
        {
            string reason = model is null ? models.NotReadyDetail : "The server is draining: it is shutting down.";
            return OpenInferenceErrorFormat.Error(reason, StatusCodes.Status503ServiceUnavailable);
        }
        return TypedResults.Ok();
    }

    public static Results<Ok<ModelMetadataResponse>, Rejection> GetModelMetadata(
        string name, HttpContext context, ModelHolder models, IOptions<ModelOptions> options)
    {
        var model = models.Current;
        var identity = ModelIdentity.Of(options.Value, model);
        if (identity.Refuse(name, Version(context)) is { } unknown)
        {
            return unknown;
        }
        if (model is null)
        {
            return Problems.ModelNotReady(models.NotReadyDetail);
        }
        var labels = model.Predictor.Labels;
        TensorMetadata[] outputs =
        [
            new(RequestedOutput.LabelName, InferRequestParser.BytesDatatype, [-1]),
            new(RequestedOutput.ProbabilitiesName, InferRequestParser.Fp32Datatype, [-1, labels.Count]),
            new(RequestedOutput.LogitsName, InferRequestParser.Fp32Datatype, [-1, labels.Count]),
        ];
        return TypedResults.Ok(new ModelMetadataResponse(identity.Name, [identity.Version ?? ModelIdentity.DefaultVersion], Platform,
            [new TensorMetadata(InferRequestParser.InputName, InferRequestParser.BytesDatatype, [-1])], outputs, labels));
    }

    /// <summary>
    /// The body is bound by <see cref="InferBody"/>, whose refusals the group's filter answers; the texts go through the
    /// same batcher as /predict's, so a text gets the same probabilities, bit for bit.
    /// </summary>
    public static async Task<Results<InferResult, Rejection>> InferAsync(
        string name, InferBody body, ModelHolder models, IOptions<ModelOptions> options, IPredictionService predictions,
        HttpContext context, CancellationToken cancellationToken)
    {
        var identity = ModelIdentity.Of(options.Value, models.Current);
        if (identity.Refuse(name, Version(context)) is { } unknown)
        {
            return unknown;
        }
        var request = body.Value;
        AccessLogEntry.Of(context)?.Texts = request.Texts.Count;
        if (models.Current is { } current && InferRequestParser.CheckClassification(request, current.Predictor.Labels.Count) is { } tooMany)
        {
            return tooMany;
        }
        var outcome = await predictions.PredictAsync(request.Texts, cancellationToken);
        if (!outcome.IsAccepted)
        {
            return outcome.Rejection;
        }
        var batch = outcome.Value;
        // A reload between the check and the batch may have changed the labels.
        if (InferRequestParser.CheckClassification(request, batch.Labels.Count) is { } changed)
        {
            return changed;
        }
        context.Response.Headers[ServerTiming.HeaderName] = ServerTiming.Format(batch.Timings);
        return new InferResult(ModelIdentity.Of(options.Value, models.Current) with { Name = identity.Name }, request, batch);
    }

    /// <summary>The {version} of the versioned routes; null on the others (the server picks its one version).</summary>
    private static string? Version(HttpContext context) => context.GetRouteValue("version") as string;
}
