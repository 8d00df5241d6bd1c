using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;
using TextClassification.Server.Hosting;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Lifecycle;

/// <summary>
/// Hot reload, as Microsoft.Extensions.ML's pool does it: a complete new model (strict load, eval(), warm-up forward)
/// is built beside the one in service and swapped in atomically (<see cref="ModelHolder.Publish"/>); requests already
/// holding the old one finish with it, and it is disposed after their last batch. A bundle that fails is refused and
/// the old model keeps serving (rollback), so readiness never drops. One reload runs at a time.
/// </summary>
internal sealed partial class ModelReloader(
    ModelHolder holder,
    ModelFactory factory,
    ReloadMetrics metrics,
    IOptions<ModelOptions> modelOptions,
    TimeProvider time,
    ILogger<ModelReloader> logger) : IModelReloader, IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private ReloadAttempt? last;
    private bool stopped;

    public ReloadAttempt? LastAttempt => Volatile.Read(ref last);

    public async Task<ReloadAttempt> ReloadAsync(string trigger, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(stopped, this);
            var attempt = await ReloadAsync(trigger).ConfigureAwait(false);
            Volatile.Write(ref last, attempt);
            return attempt;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Abandons a reload still running (its model is discarded if it finishes; <see cref="ModelLoader"/> gives such a
    /// load a short grace before the process exits) and refuses new ones.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await gate.WaitAsync().ConfigureAwait(false);
        stopped = true;
        gate.Release();
        stopping.Dispose();
    }

    private async Task<ReloadAttempt> ReloadAsync(string trigger)
    {
        string bundle = modelOptions.Value.Path;
        LogReloading(logger, trigger, bundle);
        try
        {
            bundle = ModelPaths.ResolveBundle(bundle);
            var model = await factory.LoadAsync(bundle, stopping.Token).ConfigureAwait(false);
            holder.Publish(model);
            metrics.Reloaded(succeeded: true);
            LogReloaded(logger, bundle, model.Predictor.WeightsSha256);
            return new ReloadAttempt(ReloadAttempt.SucceededStatus, time.GetUtcNow(), ClientText.NameOf(bundle), null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            string error = StartupFailure.Describe(ex);
            metrics.Reloaded(succeeded: false);
            if (holder.Current is { } serving)
            {
                LogRefused(logger, bundle, error, serving.Predictor.Directory);
            }
            else
            {
                holder.Fail(error);
                LogFailedWithoutModel(logger, bundle, error);
            }
            return new ReloadAttempt(ReloadAttempt.FailedStatus, time.GetUtcNow(), ClientText.NameOf(bundle), ClientText.WithoutPaths(error));
        }
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Reloading the model ({Trigger}) from {Path}")]
    private static partial void LogReloading(ILogger logger, string trigger, string path);

    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "Model reloaded: {Bundle} (weights sha256 {WeightsSha256}) now serves")]
    private static partial void LogReloaded(ILogger logger, string bundle, string weightsSha256);

    [LoggerMessage(EventId = 312, Level = LogLevel.Error, Message = "Reload of {Bundle} refused, {Serving} keeps serving. {Error}")]
    private static partial void LogRefused(ILogger logger, string bundle, string error, string serving);

    [LoggerMessage(EventId = 313, Level = LogLevel.Error, Message = "Reload of {Bundle} failed and no model is served. {Error}")]
    private static partial void LogFailedWithoutModel(ILogger logger, string bundle, string error);
}
