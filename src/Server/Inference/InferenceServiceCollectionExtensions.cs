namespace TextClassification.Server.Inference;

internal static class InferenceServiceCollectionExtensions
{
    public const string ModelHealthCheckName = "model";

    /// <summary>Model settings, the shared model holder, its startup loader, the prediction service and the readiness check.</summary>
    public static IServiceCollection AddInference(this IServiceCollection services)
    {
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ModelHolder>();
        services.AddSingleton<IPredictionService, BatchingPredictionService>();
        services.AddHostedService<ModelLoader>();
        services.AddHealthChecks().AddCheck<ModelHealthCheck>(ModelHealthCheckName);
        return services;
    }
}
