using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace TextClassification.Server.Lifecycle;

/// <summary>
/// The shutdown sequence on SIGTERM or Ctrl+C: readiness turns 503 at once (<see cref="DrainState"/>); the server keeps
/// accepting for <see cref="ShutdownOptions.DrainDelay"/> (a second signal cuts it short) while load balancers take it
/// out of rotation; then the host stops Kestrel, which closes the listener and waits for the requests in flight (and
/// so for their queued texts) up to <see cref="ShutdownOptions.Timeout"/>. The delay runs in
/// <see cref="StoppingAsync"/>, which the host calls before any service stops, Kestrel included.
/// </summary>
internal sealed partial class GracefulShutdown(
    DrainState drain,
    IOptions<ShutdownOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<GracefulShutdown> logger) : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource skipDelay = new();
    private readonly List<PosixSignalRegistration> signals = [];
    private CancellationTokenRegistration stopping;
    private int signalCount;
    private long drainStarted;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // The host's console lifetime stops the app on the first signal too; these registrations add the second one.
        signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal));
        signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal));
        stopping = lifetime.ApplicationStopping.Register(static state => ((GracefulShutdown)state!).BeginDrain(), this);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        BeginDrain();
        var delay = options.Value.DrainDelay;
        if (delay > TimeSpan.Zero && !skipDelay.IsCancellationRequested)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, skipDelay.Token);
            try
            {
                await Task.Delay(delay, time, either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // a second signal, or the host's own timeout
            }
        }
        double seconds = time.GetElapsedTime(Volatile.Read(ref drainStarted)).TotalSeconds;
        LogClosingListener(logger, seconds, drain.InFlight, options.Value.Timeout.TotalSeconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        long left = drain.InFlight;
        double seconds = time.GetElapsedTime(Volatile.Read(ref drainStarted)).TotalSeconds;
        if (left > 0)
        {
            LogDrainTimedOut(logger, seconds, left, drain.AnsweredWhileDraining);
        }
        else
        {
            LogDrained(logger, seconds, drain.AnsweredWhileDraining);
        }
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var registration in signals)
        {
            registration.Dispose();
        }
        stopping.Dispose();
        skipDelay.Dispose();
    }

    private void BeginDrain()
    {
        if (!drain.Begin())
        {
            return;
        }
        Volatile.Write(ref drainStarted, time.GetTimestamp());
        LogDraining(logger, options.Value.DrainDelay.TotalSeconds, drain.InFlight);
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the process stops through the host, never by the signal's default action
        if (Interlocked.Increment(ref signalCount) == 1)
        {
            lifetime.StopApplication();
            return;
        }
        LogSecondSignal(logger, context.Signal);
        try
        {
            skipDelay.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the host has already stopped
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information,
        Message = "Draining: /health answers 503 from now on; the server keeps answering for {DrainDelaySeconds:0.###} s "
            + "(a second SIGTERM or Ctrl+C skips the wait), with Connection: close; {InFlight} request(s) in flight")]
    private static partial void LogDraining(ILogger logger, double drainDelaySeconds, long inFlight);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Received {Signal} again: skipping the rest of the drain delay")]
    private static partial void LogSecondSignal(ILogger logger, PosixSignal signal);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information,
        Message = "Closing the listener {ElapsedSeconds:0.###} s after draining began; {InFlight} request(s) in flight will be answered "
            + "(Shutdown:Timeout {TimeoutSeconds:0.###} s)")]
    private static partial void LogClosingListener(ILogger logger, double elapsedSeconds, long inFlight, double timeoutSeconds);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information,
        Message = "Drained {ElapsedSeconds:0.###} s after draining began: {Answered} request(s) answered meanwhile, none left")]
    private static partial void LogDrained(ILogger logger, double elapsedSeconds, long answered);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning,
        Message = "Stopped {ElapsedSeconds:0.###} s after draining began with {InFlight} request(s) still in flight (Shutdown:Timeout reached); "
            + "{Answered} request(s) answered meanwhile")]
    private static partial void LogDrainTimedOut(ILogger logger, double elapsedSeconds, long inFlight, long answered);
}
