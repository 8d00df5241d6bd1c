using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TextClassification.Server.Inference;

/// <summary>Healthy once the model is loaded and warmed up; unhealthy while loading or after a failed load.</summary>
internal sealed class ModelHealthCheck(ModelHolder holder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var model = holder.Current;
        var result = model is not null
            ? HealthCheckResult.Healthy($"model ready: {model.Predictor.Architecture}, labels [{string.Join(", ", model.Predictor.Labels)}]")
            : holder.Failure is { } failure
                ? HealthCheckResult.Unhealthy($"model not loaded: {failure}")
                : HealthCheckResult.Unhealthy("model is loading");
        return Task.FromResult(result);
    }
}
