using TextClassification.Server.Predictions;

namespace TextClassification.Server.Security;

/// <summary>
/// One Debug line, without a stack trace, for a request body that could not be read: the client's doing (it reset
/// or closed the connection, sent bad framing, or stalled), so it must not flood the log at error level.
/// </summary>
internal static partial class RequestBodyLog
{
    public static void Unreadable(HttpContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        var logger = Logger(context);
        string kind = exception.GetType().Name;
        string reason = exception.Message.ReplaceLineEndings(" ");
        Unreadable(logger, kind, reason);
    }

    public static void TimedOut(HttpContext context, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(context);
        var logger = Logger(context);
        TimedOut(logger, timeout.TotalSeconds);
    }

    private static ILogger Logger(HttpContext context) => context.RequestServices.GetRequiredService<ILogger<RequestBody>>();

    [LoggerMessage(EventId = 310, Level = LogLevel.Debug, Message = "Request body not read ({Kind}): {Reason}")]
    private static partial void Unreadable(ILogger logger, string kind, string reason);

    [LoggerMessage(EventId = 311, Level = LogLevel.Debug, Message = "Request body incomplete after {TimeoutSeconds} s: answered 408")]
    private static partial void TimedOut(ILogger logger, double timeoutSeconds);
}
