using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TextClassification.Server.Health;

/// <summary>A health report: the overall status and each check's.</summary>
internal sealed record HealthResponse(
    [property: Description("Healthy, or Unhealthy while the model is loading or could not be loaded.")] string Status,
    double DurationMilliseconds,
    IReadOnlyList<HealthCheckEntry> Checks);

internal sealed record HealthCheckEntry(string Name, string Status, string? Description);

/// <summary>A liveness answer: the process is up and serving HTTP.</summary>
internal sealed record LivenessResponse(string Status);

internal static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/health").WithTags("Health");

        group.MapGet("", GetReadinessAsync)
            .WithName("Readiness")
            .WithSummary("Readiness: 200 once the model is loaded and warmed up, 503 otherwise")
            .Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/live", GetLiveness)
            .WithName("Liveness")
            .WithSummary("Liveness: 200 while the process runs, whatever the model's state");

        // Probes need no API key and are never rate limited.
        group.AllowAnonymous().DisableRateLimiting();

        return group;
    }

    public static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> GetReadinessAsync(
        HttpContext context, HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var response = new HealthResponse(report.Status.ToString(), report.TotalDuration.TotalMilliseconds,
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
