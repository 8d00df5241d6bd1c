using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TextClassification.Server.Health;

/// <summary>
/// Logs readiness when it changes, not on every probe: a load balancer polls /health every few seconds, and the
/// health-check service's own per-probe error lines (filtered out in <see cref="Filter"/>) would flood the log while
/// a model is missing.
/// </summary>
internal sealed partial class ReadinessTransitions(ILogger<ReadinessTransitions> logger)
{
    private const string HealthCheckServiceCategory = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    private int last = -1;

    /// <summary>Silences the health-check service's per-probe lines (our checks never throw; what they report is logged here).</summary>
    public static void Filter(LoggerFilterOptions options) => options.AddFilter(HealthCheckServiceCategory, LogLevel.None);

    public void Observe(HealthReport report, string status)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Interlocked.Exchange(ref last, (int)report.Status) == (int)report.Status)
        {
            return;
        }
        string reasons = string.Join("; ", report.Entries.Where(entry => entry.Value.Status != HealthStatus.Healthy)
            .Select(entry => $"{entry.Key}: {entry.Value.Description}"));
        if (report.Status == HealthStatus.Healthy)
        {
            LogReady(logger, status);
        }
        else
        {
            LogNotReady(logger, status, reasons);
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Readiness is now {Status}")]
    private static partial void LogReady(ILogger logger, string status);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Readiness is now {Status}: {Reasons}")]
    private static partial void LogNotReady(ILogger logger, string status, string reasons);
}
