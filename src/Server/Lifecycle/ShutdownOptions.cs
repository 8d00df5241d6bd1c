using System.ComponentModel.DataAnnotations;

namespace TextClassification.Server.Lifecycle;

/// <summary>The <c>Shutdown</c> settings: how SIGTERM and Ctrl+C drain the server (durations as in <see cref="Duration"/>).</summary>
internal sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";
    public const string DrainDelayKey = "Shutdown:DrainDelay";
    public const string TimeoutKey = "Shutdown:Timeout";

    /// <summary>
    /// How long the server keeps accepting after the signal, with readiness 503 and <c>Connection: close</c>, so that
    /// a load balancer polling readiness stops sending before the listener closes. 0 (the default) stops at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = DrainDelayKey + " must be between 0 and 1h")]
    public TimeSpan DrainDelay { get; set; }

    /// <summary>How long requests in flight may take once the listener is closed (after the drain delay).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = TimeoutKey + " must be between 0 and 1h")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads both durations, which the configuration binder would not accept in their short forms.</summary>
    public static void Bind(ShutdownOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DrainDelay = Duration.Read(configuration, DrainDelayKey, options.DrainDelay);
        options.Timeout = Duration.Read(configuration, TimeoutKey, options.Timeout);
    }
}
