using Microsoft.Extensions.Options;
using TextClassification.Server.Security;

namespace TextClassification.Server.Observability;

internal static class MetricsEndpoints
{
    public const string Path = "/metrics";

    public static bool IsScrape(PathString path) => path.Equals(Path, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// GET /metrics in the Prometheus text format (OpenMetrics when the scraper asks for it), unless Metrics:Enabled is
    /// false. It is left out of its own request histogram and out of Swagger (it is not part of the API).
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (options.Enabled)
        {
            var scrape = endpoints.MapPrometheusScrapingEndpoint(Path).DisableHttpMetrics().ExcludeFromDescription().DisableRateLimiting();
            _ = options.RequireApiKey ? scrape.RequireAuthorization(AuthPolicies.Inference) : scrape.AllowAnonymous();
        }
        return endpoints;
    }

    /// <summary>On the <c>Metrics:Port</c> listener everything but /metrics is a 404: plain HTTP must not reach the API.</summary>
    public static IApplicationBuilder UseMetricsPortOnlyForMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled || options.Port is not { } port)
        {
            return app;
        }
        return app.UseWhen(context => context.Connection.LocalPort == port && !IsScrape(context.Request.Path), refused => refused.Run(static context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }));
    }
}
