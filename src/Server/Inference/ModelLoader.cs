using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;
using TextClassification.Server.Hosting;
using TorchSharp;

namespace TextClassification.Server.Inference;

/// <summary>
/// Loads the bundle at startup: sets torch's intra-op threads, has <see cref="ModelFactory"/> load and warm up the
/// model, then publishes it in <see cref="ModelHolder"/>, which turns <c>/health</c> healthy. A failure stops startup when
/// <see cref="ModelOptions.Required"/>; otherwise it is logged and the server answers 503.
/// Loading starts before Kestrel does and runs alongside it, which keeps cold start short; the host counts as started
/// once loading has finished. libtorch itself is already being loaded by <see cref="StartupPreload"/> (after OpenSSL,
/// since libtorch initialises inside dlopen and holds the dynamic loader's lock meanwhile).
/// </summary>
internal sealed partial class ModelLoader(
    ModelHolder holder,
    ModelFactory factory,
    IOptions<ModelOptions> modelOptions,
    IOptions<InferenceOptions> inferenceOptions,
    ILogger<ModelLoader> logger) : IHostedLifecycleService, IAsyncDisposable
{
    private Task<Exception?>? loading;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var options = modelOptions.Value;
        int threads = inferenceOptions.Value.IntraOpThreads;
        loading = LoadAsync(options.Path, threads, cancellationToken);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The host counts as started once the load has finished, failed, or overrun <see cref="ModelOptions.LoadTimeout"/>.
    /// A SIGTERM meanwhile cancels <paramref name="cancellationToken"/> and stops the wait at once.
    /// </summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        Exception? failure;
        try
        {
            failure = await (loading ?? Task.FromResult<Exception?>(null)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // a SIGTERM during the load: the host goes on to stop, as after any start
        }
        if (failure is null)
        {
            return;
        }
        if (modelOptions.Value.Required)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
        LogServingWithoutModel(logger, StartupFailure.Describe(failure));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Waits a little for a load still running (when startup failed elsewhere, or on a stop during startup): exiting
    /// while another thread is inside libtorch runs its static destructors under that thread and corrupts the native
    /// heap. A load that hangs (abandoned after its deadline) does not hold the process.
    /// </summary>
    public async ValueTask DisposeAsync() => await factory.WaitForLoadsAsync(StartupPreload.NativeExitGrace).ConfigureAwait(false);

    private async Task<Exception?> LoadAsync(string configuredPath, int threads, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Run(() =>
            {
                torch.set_num_threads(threads);
                ModelMemory.Configure();
            }, CancellationToken.None).ConfigureAwait(false);
            holder.Publish(await factory.LoadAsync(ModelPaths.ResolveBundle(configuredPath), cancellationToken).ConfigureAwait(false));
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null; // stopping before the model was loaded: nothing to report
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // ModelLoadException names the file and the problem; anything else (e.g. libtorch failing to load) is described as one line.
            string reason = StartupFailure.Describe(ex);
            holder.Fail(reason);
            LogModelLoadFailed(logger, reason);
            return ex;
        }
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Model not loaded: {Reason}")]
    private static partial void LogModelLoadFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning,
        Message = "Model:Required is false, so the server stays up without a model and answers 503 on /health and /predict: {Reason}")]
    private static partial void LogServingWithoutModel(ILogger logger, string reason);
}
