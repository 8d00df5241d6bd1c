using TextClassification.Server.Errors;

namespace TextClassification.Server.Inference;

/// <summary>
/// Holds the one model that all requests share. A request takes a leased snapshot with <see cref="Acquire"/> and is
/// answered wholly by it; publishing a new model swaps it in with <see cref="Interlocked.Exchange{T}(ref T, T)"/> and
/// retires the old one, which is disposed after its last lease: no request sees a half-loaded or disposed model, and
/// none waits on a lock.
/// </summary>
internal sealed class ModelHolder : IDisposable
{
    public const string LoadingDetail = "The model is still loading; retry shortly.";

    private LoadedModel? current;
    private string? failure;

    public LoadedModel? Current => Volatile.Read(ref current);

    /// <summary>Why no model is being served, once loading has failed.</summary>
    public string? Failure => Volatile.Read(ref failure);

    public ModelStatus Status => Current is not null ? ModelStatus.Ready : Failure is not null ? ModelStatus.Failed : ModelStatus.Loading;

    /// <summary>Why a request cannot be answered now (no model is current).</summary>
    public string NotReadyDetail => Failure is { } reason ? $"No model is loaded: {reason}" : LoadingDetail;

    /// <summary>The current model with a lease the caller must <see cref="LoadedModel.Release"/>, or null when there is none.</summary>
    public LoadedModel? Acquire()
    {
        while (Current is { } model)
        {
            if (model.TryAcquire())
            {
                return model;
            }
            // Retired between the read and the lease: a newer model (or none) is current now.
        }
        return null;
    }

    /// <summary>Makes <paramref name="model"/> current and retires the one it replaces.</summary>
    public void Publish(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var previous = Interlocked.Exchange(ref current, model);
        Volatile.Write(ref failure, null);
        previous?.Retire();
    }

    /// <summary>Records why loading failed, without filesystem paths (clients read it); a model already being served keeps serving.</summary>
    public void Fail(string reason) => Volatile.Write(ref failure, ClientText.WithoutPaths(reason));

    public void Dispose() => Interlocked.Exchange(ref current, null)?.Retire();
}
