using TextClassification.Model;

namespace TextClassification.Server.Inference;

internal static class ModelPaths
{
    /// <summary>The symlink through which Kubernetes publishes a mounted volume's current content.</summary>
    public const string KubernetesDataLink = "..data";

    /// <summary>
    /// An absolute path as is; a relative one against the current directory, then the app's base directory (where
    /// publish and the container image put <c>models/default</c>), whichever exists first.
    /// </summary>
    public static string Resolve(string configured)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configured);
        if (Path.IsPathRooted(configured))
        {
            return Path.GetFullPath(configured);
        }
        string fromCurrent = Path.GetFullPath(configured, Environment.CurrentDirectory);
        string fromBase = Path.GetFullPath(configured, AppContext.BaseDirectory);
        if (Path.Exists(fromCurrent) || fromCurrent == fromBase)
        {
            return fromCurrent;
        }
        if (Path.Exists(fromBase))
        {
            return fromBase;
        }
        throw new ModelLoadException(fromCurrent, $"does not exist (nor does {fromBase}); set Model:Path to a bundle directory "
            + "holding config.json, vocab.json and the weights");
    }

    /// <summary>
    /// The directory that holds the bundle now: <see cref="Resolve"/>d, then through the symlinks by which bundles
    /// are published (<c>Model:Path</c> itself may be one, and a Kubernetes volume's files go through <c>..data</c>).
    /// Loading every file from this one real directory keeps a load consistent while a new bundle is being swapped in.
    /// </summary>
    public static string ResolveBundle(string configured)
    {
        string directory = FinalTarget(Resolve(configured));
        string data = Path.Combine(directory, KubernetesDataLink);
        return Directory.Exists(data) && new DirectoryInfo(data).LinkTarget is not null ? FinalTarget(data) : directory;
    }

    private static string FinalTarget(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path : path;
}
