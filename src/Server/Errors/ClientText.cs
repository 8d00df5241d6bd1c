using System.Text.RegularExpressions;

namespace TextClassification.Server.Errors;

/// <summary>
/// What a client may read of a server-side message: absolute filesystem paths are cut to their last two parts
/// (<c>/srv/models/v7/config.json</c> → <c>v7/config.json</c>), so a public answer names the bundle and the file but
/// not where the server keeps them. The full message stays in the log.
/// </summary>
internal static partial class ClientText
{
    public static string WithoutPaths(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return AbsolutePath().Replace(message, static match =>
        {
            string[] parts = match.Value.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length <= 2 ? string.Join('/', parts) : string.Join('/', parts[^2..]);
        });
    }

    /// <summary>The name of a directory, without where it is.</summary>
    public static string NameOf(string directory) => Path.GetFileName(Path.TrimEndingDirectorySeparator(directory ?? throw new ArgumentNullException(nameof(directory))));

    // A '/' that starts a token (not inside a word, a URL or a relative path), then path segments up to a delimiter.
    [GeneratedRegex(@"(?<![\w.~:/-])/(?:[^\s'""/:,;()\[\]]+/?)+", RegexOptions.CultureInvariant)]
    private static partial Regex AbsolutePath();
}
