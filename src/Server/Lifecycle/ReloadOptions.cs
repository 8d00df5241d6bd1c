using System.ComponentModel.DataAnnotations;

namespace TextClassification.Server.Lifecycle;

/// <summary>When the model is reloaded without a restart, besides SIGHUP (the <c>Model:Watch*</c> settings).</summary>
internal sealed class ReloadOptions
{
    public const string WatchKey = "Model:Watch";
    public const string WatchDebounceKey = "Model:WatchDebounce";

    /// <summary>Reload when something changes under <c>Model:Path</c> (or <c>Model:Path</c> itself is replaced).</summary>
    public bool Watch { get; set; }

    /// <summary>Quiet time after the last change before reloading, so that a bundle being copied is not loaded half-written.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = WatchDebounceKey + " must be between 0 and 10m")]
    public TimeSpan WatchDebounce { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads both keys; the configuration binder would not accept the debounce in its short form.</summary>
    public static void Bind(ReloadOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Watch = configuration.GetValue(WatchKey, options.Watch);
        options.WatchDebounce = Duration.Read(configuration, WatchDebounceKey, options.WatchDebounce);
    }
}
