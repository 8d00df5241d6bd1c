using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace TextClassification.Server.Lifecycle;

/// <summary>
/// What starts a reload: SIGHUP, and with <c>Model:Watch=true</c> a change under <c>Model:Path</c> (through
/// <see cref="ChangeToken.OnChange(Func{IChangeToken}, Action)"/> on <see cref="BundleWatcher"/>, as
/// Microsoft.Extensions.ML's FileModelLoader does). Armed once the startup load is done; disarmed when the host stops.
/// </summary>
internal sealed partial class ReloadTriggers(
    IModelReloader reloader,
    BundleWatcher watcher,
    IOptions<ReloadOptions> options,
    ILogger<ReloadTriggers> logger) : IHostedLifecycleService, IDisposable
{
    private PosixSignalRegistration? hangup;
    private IDisposable? watching;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);
        if (IgnoredSignals.IsIgnored(IgnoredSignals.Hangup))
        {
            LogHangupIgnored(logger);
        }
        if (options.Value.Watch)
        {
            watching = ChangeToken.OnChange(watcher.Watch, () => Reload("a change under Model:Path"));
            LogWatching(logger, watcher.Directory, options.Value.WatchDebounce.TotalMilliseconds);
        }
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        hangup?.Dispose();
        watching?.Dispose();
        watcher.Dispose();
    }

    private void OnHangup(PosixSignalContext context)
    {
        context.Cancel = true; // SIGHUP's default action ends the process
        Reload("SIGHUP");
    }

    private void Reload(string trigger) =>
        _ = reloader.ReloadAsync(trigger).ContinueWith(static (task, state) => LogTriggerFailed((ILogger)state!, task.Exception!), logger,
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    [LoggerMessage(EventId = 315, Level = LogLevel.Information,
        Message = "Watching {Directory} for new model bundles (Model:Watch=true); a change is loaded {DebounceMilliseconds:0} ms after the last write")]
    private static partial void LogWatching(ILogger logger, string directory, double debounceMilliseconds);

    [LoggerMessage(EventId = 317, Level = LogLevel.Warning,
        Message = "This process was started with SIGHUP ignored (nohup?), so SIGHUP cannot reload the model; use POST /admin/reload or Model:Watch")]
    private static partial void LogHangupIgnored(ILogger logger);

    [LoggerMessage(EventId = 316, Level = LogLevel.Warning, Message = "A reload could not start")]
    private static partial void LogTriggerFailed(ILogger logger, Exception exception);
}
