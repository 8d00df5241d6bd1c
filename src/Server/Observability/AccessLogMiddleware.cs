using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace TextClassification.Server.Observability;

/// <summary>
/// One structured entry per request (<c>Logging:AccessLog:Enabled</c>): method, route template, path, status, duration,
/// request ID, texts in the request, request and response body bytes. Scrapes of /metrics are not logged.
/// </summary>
internal sealed partial class AccessLogMiddleware(RequestDelegate next, ILogger<AccessLogMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (MetricsEndpoints.IsScrape(context.Request.Path))
        {
            await next(context);
            return;
        }
        long start = Stopwatch.GetTimestamp();
        var entry = new AccessLogEntry();
        context.Features.Set(entry);
        var body = new CountingResponseBody(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
        context.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(body.Inner);
            double milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var request = context.Request;
            string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "-";
            LogRequest(logger, request.Method, route, request.Path.Value ?? "", context.Response.StatusCode, milliseconds,
                context.TraceIdentifier, entry.Texts, request.ContentLength, body.Bytes);
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information,
        Message = "{Method} {Route} {Path} {StatusCode} {DurationMilliseconds:F3} ms request {RequestId} texts {Texts} bytes in {RequestBytes} out {ResponseBytes}")]
    private static partial void LogRequest(ILogger logger, string method, string route, string path, int statusCode, double durationMilliseconds,
        string requestId, int? texts, long? requestBytes, long responseBytes);
}
