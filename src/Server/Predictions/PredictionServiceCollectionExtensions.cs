using TextClassification.Server.Inference;

namespace TextClassification.Server.Predictions;

internal static class PredictionServiceCollectionExtensions
{
    /// <summary>The warm-up that runs each loaded model through this feature's request path before it serves.</summary>
    public static IServiceCollection AddPredictions(this IServiceCollection services)
    {
        services.AddSingleton<IModelWarmup, PredictionWarmup>();
        return services;
    }
}
