using System.Diagnostics;

namespace TextClassification.Server.Security;

/// <summary>Refusals by the rate limiter: Debug, one line, since a client over its limit can send them as fast as it likes.</summary>
internal static partial class RateLimitLog
{
    public static void Refused(HttpContext context, int? retryAfterSeconds)
    {
        var logger = context.RequestServices.GetRequiredService<ILogger<ClientRateLimiter>>();
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }
        string client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        string retryAfter = retryAfterSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
        // The id the problem answer shows as its traceId.
        string requestId = Activity.Current?.Id ?? context.TraceIdentifier;
        Refused(logger, context.Request.Method, context.Request.Path.Value ?? "", client, requestId, retryAfter);
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Debug,
        Message = "Refused {Method} {Path} from {Client} (request {RequestId}): 429, rate limit spent; Retry-After {RetryAfterSeconds}")]
    private static partial void Refused(ILogger logger, string method, string path, string client, string requestId, string retryAfterSeconds);
}
