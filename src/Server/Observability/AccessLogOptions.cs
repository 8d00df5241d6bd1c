namespace TextClassification.Server.Observability;

/// <summary>The <c>Logging:AccessLog</c> settings.</summary>
internal sealed class AccessLogOptions
{
    public const string SectionName = "Logging:AccessLog";

    /// <summary>One structured log entry per request (off by default: it costs throughput).</summary>
    public bool Enabled { get; set; }
}
