namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>Rate limits behind proxies: one known proxy address and one known network.</summary>
public sealed class ProxiedServerFactory : RateLimitedServerFactory
{
    public const string Proxy = "10.2.0.1";
    public const string ProxyNetwork = "10.3.0.0/16";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
        ["ForwardedHeaders:KnownNetworks:0"] = ProxyNetwork,
    };
}
