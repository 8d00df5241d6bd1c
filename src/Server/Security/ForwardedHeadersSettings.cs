using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace TextClassification.Server.Security;

/// <summary>
/// The <c>ForwardedHeaders</c> settings: the proxies whose <c>X-Forwarded-For</c> is believed. With none configured the
/// header is ignored (the forwarded headers middleware is not even added), so a client cannot pick the address its rate
/// limit is counted against. ASP.NET Core's own defaults (trust loopback; trust everyone under
/// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>) are replaced by exactly these lists.
/// </summary>
internal sealed class ForwardedHeadersSettings : IValidatableObject
{
    public const string SectionName = "ForwardedHeaders";
    public const string KnownProxiesKey = "ForwardedHeaders:KnownProxies";
    public const string KnownNetworksKey = "ForwardedHeaders:KnownNetworks";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.5</c> or <c>::1</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>How many proxies, from the nearest, to walk back through <c>X-Forwarded-For</c> (each must be known).</summary>
    [Range(1, 100, ErrorMessage = "ForwardedHeaders:ForwardLimit must be between {1} and {2}")]
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>Sets ASP.NET Core's options to exactly these proxies; throws <see cref="FormatException"/> naming a bad entry.</summary>
    public static void Apply(ForwardedHeadersOptions options, ForwardedHeadersSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        if (!settings.Enabled)
        {
            options.ForwardedHeaders = ForwardedHeaders.None;
            return;
        }
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
        options.ForwardLimit = settings.ForwardLimit;
        for (int i = 0; i < settings.KnownProxies.Count; i++)
        {
            options.KnownProxies.Add(ParseProxy(settings.KnownProxies[i], i));
        }
        for (int i = 0; i < settings.KnownNetworks.Count; i++)
        {
            options.KnownIPNetworks.Add(ParseNetwork(settings.KnownNetworks[i], i));
        }
    }

    /// <summary>Every entry that does not parse, named by its setting.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (int i = 0; i < KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(KnownProxies[i].Trim(), out _))
            {
                yield return new ValidationResult($"{KnownProxiesKey}:{i} \"{KnownProxies[i]}\" is not an IP address", [nameof(KnownProxies)]);
            }
        }
        for (int i = 0; i < KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(KnownNetworks[i].Trim(), out _))
            {
                yield return new ValidationResult($"{KnownNetworksKey}:{i} \"{KnownNetworks[i]}\" is not a network in CIDR notation (such as 10.0.0.0/8)",
                    [nameof(KnownNetworks)]);
            }
        }
    }

    private static IPAddress ParseProxy(string value, int index) =>
        IPAddress.TryParse(value.Trim(), out var address) ? address : throw new FormatException($"{KnownProxiesKey}:{index} is not an IP address");

    private static System.Net.IPNetwork ParseNetwork(string value, int index) =>
        System.Net.IPNetwork.TryParse(value.Trim(), out var network) ? network : throw new FormatException($"{KnownNetworksKey}:{index} is not a network in CIDR notation");
}
