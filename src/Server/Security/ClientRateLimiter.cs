using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;

namespace TextClassification.Server.Security;

/// <summary>
/// One token bucket per client, from the framework's <see cref="PartitionedRateLimiter"/>: the rate limiting
/// middleware takes one permit per request from it (it is the global limiter), and <see cref="RateLimitCharge"/> takes
/// the rest of a batch's permits from the same bucket once the body is parsed. A client is its API key (by an id
/// derived from the key's digest, see <see cref="ApiKey.PartitionId"/>) or, without a valid key, its address: an IPv6
/// client by its /64, which one host can fill with addresses. The address is the connection's, or the forwarded one
/// when the request came through a known proxy (<see cref="ForwardedHeadersSettings"/>).
/// </summary>
internal sealed class ClientRateLimiter : IDisposable
{
    public ClientRateLimiter(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Settings = options.Value;
        var bucket = Settings.Bucket();
        Limiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetTokenBucketLimiter(Partition(context), _ => bucket));
    }

    public RateLimitOptions Settings { get; }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    public void Dispose() => Limiter.Dispose();

    /// <summary>The bucket <paramref name="context"/> is charged to.</summary>
    public static string Partition(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.FindFirst(ApiKey.PartitionClaim)?.Value ?? AddressPartition(context.Connection.RemoteIpAddress);
    }

    public static string AddressPartition(IPAddress? address)
    {
        if (address is null)
        {
            return "ip:unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "ip:" + address;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return $"ip:{new IPAddress(bytes)}/64";
    }

    /// <summary>The 429 for a refused <paramref name="lease"/>, with <c>Retry-After</c> when the bucket says how long to wait.</summary>
    public Rejection Refusal(HttpContext context, RateLimitLease lease)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(lease);
        int? retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : null;
        RateLimitLog.Refused(context, retryAfter);
        return Problems.RateLimited($"Too many requests from {Client(context)}: the limit is {Settings.PermitsPerSecond} texts per second with bursts of "
            + $"{Settings.EffectiveBurst} ({RateLimitOptions.PermitsPerSecondKey}, {RateLimitOptions.BurstKey}); a batch costs one per text. "
            + (retryAfter is { } seconds ? $"Retry after {seconds} s." : "Retry later."), retryAfter);
    }

    /// <summary>The 429 for a batch larger than the bucket: it could never be served, so there is no Retry-After.</summary>
    public Rejection TooLargeForBurst(HttpContext context, int permits)
    {
        RateLimitLog.Refused(context, null);
        return Problems.RateLimited($"This request has {permits} texts, each costing a permit, but at most {Settings.EffectiveBurst} can be spent at once "
            + $"({RateLimitOptions.BurstKey}); send smaller batches.", null);
    }

    private static string Client(HttpContext context) =>
        context.User.FindFirst(ApiKey.PartitionClaim) is not null ? "this API key" : $"address {context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";
}
