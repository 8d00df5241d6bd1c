using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace TextClassification.Server.Hosting;

internal static class KestrelSettings
{
    public const string SectionName = "Kestrel";
    public const string MaxRequestBodySizeKey = "Kestrel:Limits:MaxRequestBodySize";

    /// <summary>
    /// Binds Kestrel's server options from the Kestrel section, notably <c>Kestrel:Limits:MaxRequestBodySize</c>
    /// (the host itself reads only endpoints and certificates from it). The predict endpoint enforces the same body
    /// limit itself. The body limit is checked first so that a bad value is reported by name.
    /// </summary>
    public static IServiceCollection AddKestrelSettings(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            string? limit = configuration[MaxRequestBodySizeKey];
            if (!string.IsNullOrEmpty(limit) && (!long.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes) || bytes < 0))
            {
                throw new InvalidOperationException($"{MaxRequestBodySizeKey} must be a number of bytes (0 or more), or empty for no limit; got \"{limit}\"");
            }
            configuration.GetSection(SectionName).Bind(options);
        });
        return services;
    }
}
