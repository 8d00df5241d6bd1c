using System.Text.Json;
using Microsoft.Extensions.Options;
using TextClassification.Model;
using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>
/// Builds a complete model beside any one being served: loads config, vocabulary and weights (strict load_state_dict
/// and eval() happen in <see cref="Predictor.Load"/>), then runs one warm-up forward, which must give finite
/// probabilities, and the registered <see cref="IModelWarmup"/>s (the request path, so that readiness means fast).
/// Whatever fails is thrown, naming the file where it can, and nothing is left allocated.
/// A load gets <see cref="ModelOptions.LoadTimeout"/>; one that overruns it (a file on a hung network mount, say) is
/// abandoned so that neither startup, a reload nor a shutdown waits for it.
/// </summary>
internal sealed partial class ModelFactory(
    TimeProvider time,
    IOptions<ModelOptions> modelOptions,
    IOptions<InferenceOptions> inferenceOptions,
    IEnumerable<IModelWarmup> warmups,
    ILogger<ModelFactory> logger)
{
    private const string WarmupText = "warm up";

    private readonly Lock running = new();
    private readonly HashSet<Task> loads = [];

    /// <summary>
    /// Loads on a worker thread within <see cref="ModelOptions.LoadTimeout"/>. On the deadline, or when
    /// <paramref name="cancellationToken"/> fires (a shutdown), the caller gets a <see cref="ModelLoadException"/> or an
    /// <see cref="OperationCanceledException"/> at once and the load is abandoned: its model is disposed if it ever
    /// finishes.
    /// </summary>
    public async Task<LoadedModel> LoadAsync(string directory, CancellationToken cancellationToken = default)
    {
        long start = time.GetTimestamp();
        var load = Task.Run(() => Load(directory), CancellationToken.None);
        Track(load);
        var timeout = modelOptions.Value.LoadTimeout;
        try
        {
            var model = await load.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            // The timer's callback can lose the race on a starved thread pool; the deadline holds all the same.
            return time.GetElapsedTime(start) <= timeout ? model : throw new TimeoutException();
        }
        catch (TimeoutException)
        {
            Abandon(load, directory);
            throw new ModelLoadException(directory, $"did not finish loading within {timeout} ({ModelOptions.LoadTimeoutKey}); the load was abandoned");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abandon(load, directory);
            throw;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="grace"/> for loads still running, abandoned ones included: exiting while another
    /// thread is inside libtorch can corrupt the native heap, but a load that hangs must not hold the process forever.
    /// </summary>
    public async Task WaitForLoadsAsync(TimeSpan grace)
    {
        Task[] pending;
        lock (running)
        {
            pending = [.. loads];
        }
        if (pending.Length == 0)
        {
            return;
        }
        try
        {
            await Task.WhenAll(pending).WaitAsync(grace, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogLoadStillRunning(logger, pending.Length, grace.TotalSeconds);
        }
        catch (Exception)
        {
            // A load that failed has finished; its caller reported the failure.
        }
    }

    private void Track(Task load)
    {
        lock (running)
        {
            loads.Add(load);
        }
        _ = load.ContinueWith(
            (finished, state) =>
            {
                var factory = (ModelFactory)state!;
                lock (factory.running)
                {
                    factory.loads.Remove(finished);
                }
            },
            this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Abandon(Task<LoadedModel> load, string directory)
    {
        long start = time.GetTimestamp();
        _ = load.ContinueWith(
            finished =>
            {
                if (finished.IsCompletedSuccessfully)
                {
                    finished.Result.Retire(); // never published: this drops its only lease and disposes it
                }
                LogAbandonedLoadFinished(logger, directory, time.GetElapsedTime(start).TotalSeconds);
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private LoadedModel Load(string directory)
    {
        long start = time.GetTimestamp();
        var predictor = Predictor.Load(directory);
        var loaded = time.GetElapsedTime(start);
        try
        {
            long warmupStart = time.GetTimestamp();
            var warmup = predictor.Predict([WarmupText])[0];
            if (!warmup.Probabilities.All(float.IsFinite))
            {
                throw new ModelLoadException(Path.Combine(predictor.Directory, predictor.Config.Weights),
                    "the warm-up forward gave non-finite probabilities (NaN or infinite weights?)");
            }
            foreach (var step in warmups)
            {
                step.Run(predictor);
            }
            var warmupDuration = time.GetElapsedTime(warmupStart);
            JsonElement? provenance = predictor.Config.Provenance is { } recorded ? JsonSerializer.SerializeToElement(recorded, ServerJsonContext.Default.JsonObject) : null;
            string labels = string.Join(", ", predictor.Labels);
            LogModelLoaded(logger, predictor.Directory, predictor.Architecture, labels, predictor.ParameterCount,
                predictor.WeightsSha256, loaded.TotalMilliseconds, warmupDuration.TotalMilliseconds, inferenceOptions.Value.IntraOpThreads);
            return new LoadedModel(predictor, time.GetUtcNow(), loaded, warmupDuration, provenance);
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "Model loaded from {Directory}: {Architecture}, labels [{Labels}], {ParameterCount} parameters, weights sha256 {WeightsSha256}; "
            + "load {LoadMilliseconds:F0} ms, warm-up {WarmupMilliseconds:F1} ms, {IntraOpThreads} intra-op thread(s)")]
    private static partial void LogModelLoaded(ILogger logger, string directory, string architecture, string labels, long parameterCount,
        string weightsSha256, double loadMilliseconds, double warmupMilliseconds, int intraOpThreads);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning,
        Message = "An abandoned model load of {Directory} finished {Seconds:F1} s after it was given up; its model was discarded")]
    private static partial void LogAbandonedLoadFinished(ILogger logger, string directory, double seconds);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning,
        Message = "{Count} model load(s) still running after {Seconds:F0} s; stopping without waiting for them")]
    private static partial void LogLoadStillRunning(ILogger logger, int count, double seconds);
}
