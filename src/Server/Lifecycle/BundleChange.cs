using Microsoft.Extensions.Primitives;

namespace TextClassification.Server.Lifecycle;

/// <summary>
/// One change of the bundle, as an <see cref="IChangeToken"/> that fires once, <c>quiet</c> after the last
/// file-system event: a bundle being copied (many writes) or a Kubernetes <c>..data</c> swap (create, rename, delete)
/// is one change. Watches the bundle directory (through a symlink, its current target) and, for a replaced
/// <c>Model:Path</c> (a renamed directory or a swapped symlink), its parent, where only entries of that name count.
/// </summary>
internal sealed class BundleChange : IDisposable
{
    private readonly CancellationTokenSource changed = new();
    private readonly List<FileSystemWatcher> watchers = [];
    private readonly ITimer quietTimer;
    private readonly TimeSpan quiet;
    private readonly string name;

    public BundleChange(string directory, TimeSpan quiet, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(time);
        this.quiet = quiet;
        directory = Path.TrimEndingDirectorySeparator(directory);
        name = Path.GetFileName(directory);
        Token = new CancellationChangeToken(changed.Token);
        quietTimer = time.CreateTimer(static self => ((BundleChange)self!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Watch(directory, entry => true);
        if (Path.GetDirectoryName(directory) is { } parent)
        {
            Watch(parent, entry => entry == name);
        }
    }

    public IChangeToken Token { get; }

    /// <summary>Directories being watched (none when neither the bundle directory nor its parent exists).</summary>
    public int WatchedDirectories => watchers.Count;

    public void Dispose()
    {
        foreach (var watcher in watchers)
        {
            watcher.Dispose();
        }
        quietTimer.Dispose();
        // The token source is not disposed: this may run inside its own Cancel (a change-token consumer asking for the next token).
    }

    private void Watch(string directory, Func<string?, bool> counts)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false };
        watcher.Created += (_, e) => Seen(counts(e.Name));
        watcher.Changed += (_, e) => Seen(counts(e.Name));
        watcher.Deleted += (_, e) => Seen(counts(e.Name));
        watcher.Renamed += (_, e) => Seen(counts(e.Name) || counts(e.OldName));
        watcher.Error += (_, _) => Seen(true); // events were lost: assume the bundle changed
        watcher.EnableRaisingEvents = true;
        watchers.Add(watcher);
    }

    private void Seen(bool relevant)
    {
        if (relevant && !changed.IsCancellationRequested)
        {
            quietTimer.Change(quiet, Timeout.InfiniteTimeSpan); // restart the quiet period
        }
    }

    private void Fire()
    {
        if (!changed.IsCancellationRequested)
        {
            changed.Cancel();
        }
    }
}
