using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Lifecycle;
using TextClassification.Server.OpenApi;
using TextClassification.Server.Predictions;
using TextClassification.Server.Security;

namespace TextClassification.Server.Info;

internal static class InfoEndpoints
{
    public const string ServiceName = "textclf-server";

    /// <summary>The server's version, as GET / and GET /v2 report it.</summary>
    public static readonly string Version = typeof(InfoEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(InfoEndpoints).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static RouteGroupBuilder MapInfo(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("").WithTags("Service");

        group.MapGet("/", GetServiceInfo)
            .AllowAnonymous()
            .DisableRateLimiting()
            .WithName("ServiceInfo")
            .WithSummary("Service name, version, model summary, limits and links");

        group.MapGet("/model", GetModel)
            .RequireAuthorization(AuthPolicies.Inference)
            .WithName("Model")
            .WithSummary("The served model: architecture, labels, sizes, weights checksum, load time, provenance and the last reload")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    public static Ok<ServiceInfo> GetServiceInfo(ModelHolder models, IOptions<ModelOptions> modelOptions,
        IOptions<KestrelServerOptions> serverOptions, IOptions<ApiDocsOptions> docsOptions)
    {
        var model = models.Current;
        var summary = new ModelSummary(models.Status.ToString(), model?.Predictor.Architecture, model?.Predictor.Labels, model?.Predictor.WeightsSha256, models.Failure);
        var limits = new ServiceLimits(modelOptions.Value.MaxTextsPerRequest, serverOptions.Value.Limits.MaxRequestBodySize, PredictRequestParser.MaxDepth);
        bool docs = docsOptions.Value.Enabled;
        var links = new ServiceLinks(docs ? ApiDocs.UiPath : null, docs ? ApiDocs.DocumentPath : null, "/predict", "/health", "/health/live", "/model");
        return TypedResults.Ok(new ServiceInfo(ServiceName, Version, summary, limits, links));
    }

    public static Results<Ok<ModelInfo>, Rejection> GetModel(ModelHolder models, IModelReloader reloader)
    {
        if (models.Current is not { } model)
        {
            return Problems.ModelNotReady(models.NotReadyDetail);
        }
        var predictor = model.Predictor;
        var config = predictor.Config;
        return TypedResults.Ok(new ModelInfo(config.Architecture, config.Labels, config.VocabSize, config.EmbedDim, config.NumClass,
            predictor.ParameterCount, config.Tokenizer, predictor.WeightsSha256, config.Weights, ClientText.NameOf(predictor.Directory), model.LoadedAt,
            model.LoadDuration.TotalMilliseconds, model.WarmupDuration.TotalMilliseconds, model.Provenance, reloader.LastAttempt));
    }
}
