using System.Security.Cryptography;

namespace TextClassification.Server.Security;

/// <summary>An immutable set of accepted keys, swapped as a whole when the key file changes.</summary>
internal sealed class ApiKeySet
{
    private readonly ApiKey[] keys;

    private ApiKeySet(ApiKey[] keys) => this.keys = keys;

    /// <summary>How many keys grant <paramref name="role"/>.</summary>
    public int CountWith(string role) => keys.Count(key => key.Roles.Contains(role));

    /// <summary>
    /// The keys with their roles: a key listed under several roles (or twice) is one entry with all of them.
    /// <paramref name="partitionSecret"/> keys the rate-limit bucket ids; keep it for the process's lifetime so
    /// that a key keeps its bucket across reloads.
    /// </summary>
    public static ApiKeySet Create(IEnumerable<(string Key, string Role)> keys, ReadOnlySpan<byte> partitionSecret)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var roles = new Dictionary<string, (byte[] Digest, List<string> Roles)>(StringComparer.Ordinal);
        foreach (var (key, role) in keys)
        {
            var digest = new byte[SHA256.HashSizeInBytes];
            ApiKey.ComputeDigest(key, digest);
            string id = Convert.ToBase64String(digest);
            if (!roles.TryGetValue(id, out var entry))
            {
                entry = (digest, []);
                roles.Add(id, entry);
            }
            if (!entry.Roles.Contains(role))
            {
                entry.Roles.Add(role);
            }
        }
        var result = new ApiKey[roles.Count];
        int i = 0;
        foreach (var (digest, keyRoles) in roles.Values)
        {
            result[i++] = ApiKey.Create(digest, keyRoles, partitionSecret);
        }
        return new ApiKeySet(result);
    }

    /// <summary>
    /// The key <paramref name="presented"/> matches, or null. Its digest is compared with every accepted digest by
    /// <see cref="CryptographicOperations.FixedTimeEquals"/>, without stopping at a match, so the time taken says
    /// nothing about how close a guess came.
    /// </summary>
    public ApiKey? Find(ReadOnlySpan<char> presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        ApiKey.ComputeDigest(presented, digest);
        ApiKey? found = null;
        foreach (var key in keys)
        {
            bool equal = CryptographicOperations.FixedTimeEquals(digest, key.Digest);
            found ??= equal ? key : null;
        }
        return found;
    }
}
