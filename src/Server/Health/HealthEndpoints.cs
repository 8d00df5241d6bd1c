using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TextClassification.Server.Lifecycle;

namespace TextClassification.Server.Health;

/// <summary>A health report: the overall status and each check's.</summary>
internal sealed record HealthResponse(
    [property: Description("Healthy; Unhealthy while the model is loading or could not be loaded; Draining once shutdown has begun.")] string Status,
    double DurationMilliseconds,
    IReadOnlyList<HealthCheckEntry> Checks);

internal sealed record HealthCheckEntry(string Name, string Status, string? Description);

/// <summary>A liveness answer: the process is up and serving HTTP.</summary>
internal sealed record LivenessResponse(string Status);

internal static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        // Full paths rather than a "/health" prefix: a group's empty sub-route would make the route template (the http_route
        // metric label) "/health/".
        var group = endpoints.MapGroup("").WithTags("Health");

        group.MapGet("/health", GetReadinessAsync)
            .WithName("Readiness")
            .WithSummary("Readiness: 200 once the model is loaded and warmed up, 503 while loading, after a failed load and while draining")
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/health/live", GetLiveness)
            .WithName("Liveness")
            .WithSummary("Liveness: 200 while the process runs, whatever the model's state");

        // Probes need no API key and are never rate limited.
        group.AllowAnonymous().DisableRateLimiting();

        return group;
    }

    public static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> GetReadinessAsync(
        HttpContext context, HealthCheckService health, DrainState drain, ReadinessTransitions transitions, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        string status = drain.IsDraining ? DrainState.DrainingStatus : report.Status.ToString();
        transitions.Observe(report, status);
        var response = new HealthResponse(status, report.TotalDuration.TotalMilliseconds,
            [.. report.Entries.Select(entry => new HealthCheckEntry(entry.Key, entry.Value.Status.ToString(), entry.Value.Description))]);
        context.Response.Headers.CacheControl = "no-store";
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(response)
            : TypedResults.Json(response, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    public static Ok<LivenessResponse> GetLiveness(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new LivenessResponse(nameof(HealthStatus.Healthy)));
    }
}
