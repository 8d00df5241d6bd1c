using TextClassification.Model;

namespace TextClassification.Server.Inference;

internal static class ModelPaths
{
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
}
