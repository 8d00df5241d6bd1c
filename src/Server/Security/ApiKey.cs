using System.Buffers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace TextClassification.Server.Security;

/// <summary>
/// One accepted key, held only as its SHA-256 digest, with the roles it grants and the id of its rate-limit bucket.
/// The key itself is never stored, logged or compared as text.
/// </summary>
internal sealed class ApiKey
{
    /// <summary>The claim that carries <see cref="PartitionId"/> on an authenticated request.</summary>
    public const string PartitionClaim = "textclf:rate_limit_partition";

    /// <summary>Keys longer than this are hashed from a rented buffer rather than the stack.</summary>
    private const int StackLimit = 256;

    private readonly Claim[] claims;

    private ApiKey(byte[] digest, IReadOnlyList<string> roles, string partitionId)
    {
        Digest = digest;
        Roles = roles;
        PartitionId = partitionId;
        claims = [.. roles.Select(role => new Claim(ClaimTypes.Role, role)), new Claim(PartitionClaim, partitionId)];
    }

    public byte[] Digest { get; }

    public IReadOnlyList<string> Roles { get; }

    /// <summary>The key's rate-limit bucket: an HMAC of its digest under a secret of this process, so it reveals nothing even if shown.</summary>
    public string PartitionId { get; }

    public static ApiKey Create(byte[] digest, IReadOnlyList<string> roles, ReadOnlySpan<byte> partitionSecret) =>
        new(digest, roles, "key:" + Convert.ToHexString(HMACSHA256.HashData(partitionSecret, digest), 0, 16));

    /// <summary>A principal of its own for each request, so that nothing one request does to it is seen by another.</summary>
    public ClaimsPrincipal CreatePrincipal(string scheme) => new(new ClaimsIdentity(claims, scheme));

    /// <summary>SHA-256 of the UTF-8 bytes of <paramref name="key"/>.</summary>
    public static void ComputeDigest(ReadOnlySpan<char> key, Span<byte> digest)
    {
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = max > StackLimit ? ArrayPool<byte>.Shared.Rent(max) : null;
        var bytes = rented ?? stackalloc byte[StackLimit];
        try
        {
            int length = Encoding.UTF8.GetBytes(key, bytes);
            SHA256.HashData(bytes[..length], digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    /// <summary>Why <paramref name="key"/> cannot be a key (without quoting it), or null when it can.</summary>
    public static string? Problem(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < ApiKeyOptions.MinimumLength)
        {
            return $"is {key.Length} characters long; an API key needs at least {ApiKeyOptions.MinimumLength} (e.g. the output of openssl rand -hex 32)";
        }
        foreach (char c in key)
        {
            if (c is <= ' ' or > '~')
            {
                return "contains a space, a control character or a non-ASCII character; use base64 or hex";
            }
        }
        return null;
    }
}
