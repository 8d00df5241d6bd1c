namespace TextClassification.Server.Observability;

/// <summary>What the access log learns from an endpoint about its request (a request feature while the access log is on).</summary>
internal sealed class AccessLogEntry
{
    /// <summary>Texts in the request, for /predict.</summary>
    public int? Texts { get; set; }

    /// <summary>The request's entry, or null when the access log is off.</summary>
    public static AccessLogEntry? Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<AccessLogEntry>();
    }
}
