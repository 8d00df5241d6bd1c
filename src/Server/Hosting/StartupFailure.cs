namespace TextClassification.Server.Hosting;

/// <summary>
/// A failure to start (unusable model, invalid setting, port in use, unreadable certificate) is reported as one line
/// on stderr with exit code 1, without a stack trace. The host's own "Hosting failed to start" entry, which carries
/// the stack trace, is filtered out by <see cref="AddStartupFailureFilter"/>; set TEXTCLF_STARTUP_TRACE=1 to print
/// the full exception as well.
/// </summary>
internal static class StartupFailure
{
    public const int ExitCode = 1;
    public const string TraceVariable = "TEXTCLF_STARTUP_TRACE";

    public static ILoggingBuilder AddStartupFailureFilter(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

    /// <summary>Writes the one-line report; false (not handled) for the exception tools use to stop the app after Build().</summary>
    public static bool Report(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is HostAbortedException)
        {
            return false;
        }
        Console.Error.WriteLine("error: " + Describe(exception));
        if (Environment.GetEnvironmentVariable(TraceVariable) == "1")
        {
            Console.Error.WriteLine(exception);
        }
        return true;
    }

    /// <summary>One line: the messages of the exception and its causes, without repeats or line breaks.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
            {
                parts.AddRange(aggregate.InnerExceptions.Select(Describe));
                break;
            }
            if (current is System.Reflection.TargetInvocationException { InnerException: not null })
            {
                continue;
            }
            string message = current.Message.Trim();
            if (message.Length > 0 && !parts.Any(part => part.Contains(message, StringComparison.Ordinal)))
            {
                parts.Add(message);
            }
        }
        return string.Join(": ", parts).ReplaceLineEndings(" ");
    }
}
