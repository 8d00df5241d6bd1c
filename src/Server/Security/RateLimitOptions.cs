using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;

namespace TextClassification.Server.Security;

/// <summary>
/// The <c>RateLimit</c> settings: a token bucket per client (per API key, or per address when keys are off). Off while
/// <see cref="PermitsPerSecond"/> is 0. Each request takes a permit before its body is read, and a <c>texts</c> batch
/// one more per further text, so a batch of 256 costs 256.
/// </summary>
internal sealed class RateLimitOptions : IValidatableObject
{
    public const string SectionName = "RateLimit";
    public const string PermitsPerSecondKey = "RateLimit:PermitsPerSecond";
    public const string BurstKey = "RateLimit:Burst";

    /// <summary>Permits added to each client's bucket per second; below 1, one permit every 1/x seconds. 0: off.</summary>
    [Range(0d, 1_000_000d, ErrorMessage = PermitsPerSecondKey + " must be between {1} and {2}")]
    public double PermitsPerSecond { get; set; }

    /// <summary>The bucket's size: most permits a client can spend at once (and the largest batch it can send). 0: <see cref="PermitsPerSecond"/>, at least 1.</summary>
    [Range(0, 1_000_000, ErrorMessage = BurstKey + " must be between {1} and {2}")]
    public int Burst { get; set; }

    public bool Enabled => PermitsPerSecond > 0;

    public int EffectiveBurst => Burst > 0 ? Burst : Math.Max(1, (int)Math.Ceiling(PermitsPerSecond));

    /// <summary>
    /// The framework's token bucket for these settings. Partitioned buckets are topped up by one timer every 100 ms,
    /// which adds at most one period's tokens per tick, so the period is a whole second (or 1/x s below one permit per
    /// second), never shorter.
    /// </summary>
    public TokenBucketRateLimiterOptions Bucket()
    {
        bool slow = PermitsPerSecond < 1;
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = EffectiveBurst,
            TokensPerPeriod = slow ? 1 : (int)PermitsPerSecond,
            ReplenishmentPeriod = slow ? TimeSpan.FromSeconds(1 / PermitsPerSecond) : TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PermitsPerSecond >= 1 && PermitsPerSecond != Math.Floor(PermitsPerSecond))
        {
            yield return new ValidationResult($"{PermitsPerSecondKey} must be a whole number from 1 up (below 1, a fraction such as 0.5 means one permit every 2 s); got {PermitsPerSecond}",
                [nameof(PermitsPerSecond)]);
        }
        if (Burst > 0 && !Enabled)
        {
            yield return new ValidationResult($"{BurstKey} is set but {PermitsPerSecondKey} is 0, which turns rate limits off; set both", [nameof(Burst)]);
        }
    }
}
