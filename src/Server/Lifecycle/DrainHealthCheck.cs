using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TextClassification.Server.Lifecycle;

/// <summary>
/// Readiness fails (503) as soon as draining begins, so load balancers stop sending new requests here. Degraded rather
/// than Unhealthy: the server still answers, and a planned shutdown is not logged as an error on every probe.
/// </summary>
internal sealed class DrainHealthCheck(DrainState drain) : IHealthCheck
{
    public const string Name = "shutdown";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Degraded("draining: the server is shutting down and answers only until its listener closes")
            : HealthCheckResult.Healthy("accepting requests"));
}
