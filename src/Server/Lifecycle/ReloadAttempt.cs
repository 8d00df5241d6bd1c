using System.ComponentModel;

namespace TextClassification.Server.Lifecycle;

/// <summary>The outcome of the last reload, as <c>/model</c> reports it next to the model in service.</summary>
internal sealed record ReloadAttempt(
    [property: Description("succeeded (the new model serves) or failed (refused; the model in service kept serving).")] string Status,
    DateTimeOffset At,
    [property: Description("The name of the bundle directory that was loaded, after following symlinks.")] string Bundle,
    [property: Description("What was wrong, naming the file (bundle/file, without the server's paths), when the reload failed.")] string? Error)
{
    public const string SucceededStatus = "succeeded";
    public const string FailedStatus = "failed";
}
