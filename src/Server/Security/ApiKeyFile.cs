using System.Text;

namespace TextClassification.Server.Security;

/// <summary>
/// The keys of an <c>Auth:ApiKeysFile</c>: one key per line; blank lines and lines starting with <c>#</c> are skipped;
/// surrounding whitespace is dropped. A line that cannot be a key is reported by its number, never quoted.
/// </summary>
internal sealed class ApiKeyFile
{
    /// <summary>A key file is small; anything larger is not one (and /dev/zero must not be read forever).</summary>
    public const int MaxBytes = 1024 * 1024;

    private ApiKeyFile(IReadOnlyList<string> keys, IReadOnlyList<string> problems)
    {
        Keys = keys;
        Problems = problems;
    }

    public IReadOnlyList<string> Keys { get; }

    /// <summary>One entry per line that is not a key, e.g. "line 3 is 12 characters long; ...".</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>A relative path is taken from the content root (the working directory), like Tls:CertificateDirectory.</summary>
    public static string Resolve(string configured, string contentRoot) => Path.GetFullPath(configured.Trim(), contentRoot);

    /// <summary>Reads and parses the file; throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it cannot be read.</summary>
    public static ApiKeyFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = new byte[MaxBytes + 1];
        int length = 0;
        int read;
        while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
        {
            length += read;
        }
        if (length > MaxBytes)
        {
            throw new IOException($"it is larger than {MaxBytes} bytes, too large for a key file");
        }
        var bytes = buffer.AsSpan(0, length);
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }
        return Parse(Encoding.UTF8.GetString(bytes));
    }

    public static ApiKeyFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new List<string>();
        var problems = new List<string>();
        int number = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            number++;
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }
            string key = line.ToString();
            if (ApiKey.Problem(key) is { } problem)
            {
                problems.Add($"line {number} {problem}");
            }
            else
            {
                keys.Add(key);
            }
        }
        return new ApiKeyFile(keys, problems);
    }
}
