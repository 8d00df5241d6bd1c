using System.Text.Json;
using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>
/// A loaded, warmed-up model and how fast it was loaded. Immutable but for its leases: the holder keeps one while the
/// model is current, and each request keeps one from taking its snapshot until its batch has run. The predictor's
/// native memory is freed when the last lease goes, so a replaced model finishes its batches before it is disposed.
/// The provenance is kept as a JsonElement because the config's JsonObject materialises lazily and is not safe to
/// serialise from several requests at once.
/// </summary>
internal sealed class LoadedModel(Predictor predictor, DateTimeOffset loadedAt, TimeSpan loadDuration, TimeSpan warmupDuration, JsonElement? provenance)
{
    private int leases = 1; // the holder's own, dropped by Retire

    public Predictor Predictor { get; } = predictor ?? throw new ArgumentNullException(nameof(predictor));

    public DateTimeOffset LoadedAt { get; } = loadedAt;

    public TimeSpan LoadDuration { get; } = loadDuration;

    public TimeSpan WarmupDuration { get; } = warmupDuration;

    public JsonElement? Provenance { get; } = provenance;

    /// <summary>True once retired and every lease released: the predictor is disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref leases) == 0;

    /// <summary>Takes a lease, unless the model is already disposed.</summary>
    public bool TryAcquire()
    {
        int seen = Volatile.Read(ref leases);
        while (seen > 0)
        {
            int before = Interlocked.CompareExchange(ref leases, seen + 1, seen);
            if (before == seen)
            {
                return true;
            }
            seen = before;
        }
        return false;
    }

    /// <summary>Returns a lease; the last one disposes the predictor.</summary>
    public void Release()
    {
        int left = Interlocked.Decrement(ref leases);
        if (left == 0)
        {
            Predictor.Dispose();
            ModelMemory.ReclaimSoon();
        }
        else if (left < 0)
        {
            throw new InvalidOperationException("a model lease was released twice");
        }
    }

    /// <summary>Drops the holder's lease once the model is no longer current.</summary>
    public void Retire() => Release();
}
