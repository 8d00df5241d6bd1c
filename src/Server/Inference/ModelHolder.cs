using System.Text.Json;
using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>
/// A loaded, warmed-up model and how fast it was loaded. Immutable; the provenance is kept as a JsonElement because
/// the config's JsonObject materialises lazily and is not safe to serialise from several requests at once.
/// </summary>
internal sealed record LoadedModel(Predictor Predictor, DateTimeOffset LoadedAt, TimeSpan LoadDuration, TimeSpan WarmupDuration, JsonElement? Provenance);

internal enum ModelStatus
{
    Loading,
    Ready,
    Failed,
}

/// <summary>
/// Holds the one model that all requests share. Readers take <see cref="Current"/> once per request and use that
/// snapshot; a reload builds a complete new model and swaps it in with <see cref="Interlocked.Exchange{T}(ref T, T)"/>,
/// so no request ever sees a half-loaded model and none waits on a lock.
/// </summary>
internal sealed class ModelHolder : IDisposable
{
    private LoadedModel? current;
    private string? failure;

    public LoadedModel? Current => Volatile.Read(ref current);

    /// <summary>Why no model is being served, once loading has failed.</summary>
    public string? Failure => Volatile.Read(ref failure);

    public ModelStatus Status => Current is not null ? ModelStatus.Ready : Failure is not null ? ModelStatus.Failed : ModelStatus.Loading;

    /// <summary>Installs <paramref name="model"/> and returns the one it replaced, which the caller disposes once unused.</summary>
    public LoadedModel? Swap(LoadedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var previous = Interlocked.Exchange(ref current, model);
        Volatile.Write(ref failure, null);
        return previous;
    }

    /// <summary>Records why loading failed; a model already being served keeps serving.</summary>
    public void Fail(string reason) => Volatile.Write(ref failure, reason);

    public void Dispose() => Interlocked.Exchange(ref current, null)?.Predictor.Dispose();
}
