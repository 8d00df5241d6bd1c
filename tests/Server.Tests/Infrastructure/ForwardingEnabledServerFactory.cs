namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// Rate limits with ASP.NET Core's <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c> switch (the setting
/// <c>FORWARDEDHEADERS_ENABLED</c>), which on its own makes the framework believe <c>X-Forwarded-For</c> from anyone.
/// </summary>
public sealed class ForwardingEnabledServerFactory : RateLimitedServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["FORWARDEDHEADERS_ENABLED"] = "true",
    };
}
