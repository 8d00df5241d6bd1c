using System.ComponentModel.DataAnnotations;

namespace TextClassification.Server.Observability;

/// <summary>The <c>Metrics</c> settings.</summary>
internal sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Serve <c>GET /metrics</c> and collect the instruments; false removes both (and their cost).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A second, plain-HTTP listener that serves only /metrics, for scrapers that should not handle the server's certificate.</summary>
    [Range(1, 65535, ErrorMessage = "Metrics:Port must be between {1} and {2}")]
    public int? Port { get; set; }

    /// <summary>
    /// Require an inference API key (<c>Auth:*</c>) on <c>/metrics</c> of the main listener; false (the default) keeps it
    /// public, as Prometheus scrapers expect. The plain-HTTP <c>Metrics:Port</c> listener is for a trusted network.
    /// </summary>
    public bool RequireApiKey { get; set; }
}
