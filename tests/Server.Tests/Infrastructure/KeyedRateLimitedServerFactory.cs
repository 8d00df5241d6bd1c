namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>Rate limits with API keys on: a bucket per key, and one per address for requests without a valid key.</summary>
public sealed class KeyedRateLimitedServerFactory : RateLimitedServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Auth:ApiKeys:0"] = ApiKeyServerFactory.InferenceKey,
        ["Auth:ApiKeys:1"] = ApiKeyServerFactory.OtherInferenceKey,
    };
}
