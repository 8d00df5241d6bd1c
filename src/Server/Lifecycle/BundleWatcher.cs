using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using TextClassification.Model;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Lifecycle;

/// <summary>
/// The change-token producer for <see cref="ChangeToken.OnChange(Func{IChangeToken}, Action)"/>: each call watches
/// <c>Model:Path</c> afresh (its symlinks may point elsewhere since the last change) and releases the previous watch.
/// </summary>
internal sealed class BundleWatcher(IOptions<ModelOptions> modelOptions, IOptions<ReloadOptions> reloadOptions, TimeProvider time) : IDisposable
{
    private readonly Lock gate = new();
    private BundleChange? current;
    private bool disposed;

    /// <summary>The directory watched: <c>Model:Path</c> made absolute, symlinks not followed (their swaps are changes).</summary>
    public string Directory
    {
        get
        {
            try
            {
                return ModelPaths.Resolve(modelOptions.Value.Path);
            }
            catch (ModelLoadException)
            {
                return Path.GetFullPath(modelOptions.Value.Path);
            }
        }
    }

    public IChangeToken Watch()
    {
        var next = new BundleChange(Directory, reloadOptions.Value.WatchDebounce, time);
        BundleChange? previous;
        lock (gate)
        {
            if (disposed)
            {
                next.Dispose();
                return NullChangeToken.Singleton;
            }
            previous = current;
            current = next;
        }
        previous?.Dispose();
        return next.Token;
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            current?.Dispose();
            current = null;
        }
    }
}
