using System.Security.Cryptography;

namespace TextClassification.Model;

/// <summary>Content hashes of files, as recorded in bundles (weights) and their provenance (data files).</summary>
public static class FileHash
{
    /// <summary>The lowercase hex SHA-256 of the file's bytes as stored.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
