using Microsoft.Extensions.Options;
using TextClassification.Server.Health;
using TextClassification.Server.Hosting;
using TextClassification.Server.Inference.Batching;

namespace TextClassification.Server.Inference;

internal static class InferenceServiceCollectionExtensions
{
    public const string ModelHealthCheckName = "model";

    /// <summary>Model settings, the shared model holder, its startup loader, the prediction service and the readiness check.</summary>
    public static IServiceCollection AddInference(this IServiceCollection services)
    {
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.SectionName).Configure<IConfiguration>(ModelOptions.ApplyRenamedKeys)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(ModelOptions.RenamedMaxBatchSize);
        services.AddHostedService<RenamedSettingsWarning>();
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ModelHolder>();
        services.AddMetrics();
        services.AddSingleton<InferenceQueue>();
        services.AddSingleton<InferenceMetrics>();
        services.AddSingleton<BatchRunner>();
        services.AddSingleton<IBatchScheduler>(provider => provider.GetRequiredService<IOptions<InferenceOptions>>().Value.MaxBatchDelay > 0
            ? ActivatorUtilities.CreateInstance<DelayedScheduler>(provider)
            : ActivatorUtilities.CreateInstance<CombiningScheduler>(provider));
        services.AddSingleton<IPredictionService, BatchingPredictionService>();
        services.AddSingleton<ModelFactory>();
        services.AddHostedService<ModelLoader>();
        services.AddHealthChecks().AddCheck<ModelHealthCheck>(ModelHealthCheckName);
        services.AddSingleton<ReadinessTransitions>();
        services.Configure<LoggerFilterOptions>(ReadinessTransitions.Filter);
        return services;
    }
}
