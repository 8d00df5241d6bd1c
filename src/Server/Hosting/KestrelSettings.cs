using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace TextClassification.Server.Hosting;

internal static partial class KestrelSettings
{
    public const string SectionName = "Kestrel";
    public const string MaxRequestBodySizeKey = "Kestrel:Limits:MaxRequestBodySize";
    public const string MaxConcurrentConnectionsKey = "Kestrel:Limits:MaxConcurrentConnections";
    public const string MaxConcurrentUpgradedConnectionsKey = "Kestrel:Limits:MaxConcurrentUpgradedConnections";

    /// <summary>Idle keep-alive connections are closed after this (Kestrel's own default, 130 s, lets idle clients pin descriptors).</summary>
    public static readonly TimeSpan DefaultKeepAliveTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An HTTP/2 connection silent this long is pinged, and closed when the ping is not answered (a dead peer).</summary>
    public static readonly TimeSpan DefaultKeepAlivePingDelay = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Binds Kestrel's server options from the Kestrel section, notably <c>Kestrel:Limits:MaxRequestBodySize</c>
    /// (the host itself reads only endpoints and certificates from it). The predict endpoint enforces the same body
    /// limit itself. The body limit is checked first so that a bad value is reported by name. Defaults that differ
    /// from Kestrel's, each overridden by its key: no <c>Server</c> header, a 30 s keep-alive, HTTP/2 keep-alive pings,
    /// and connection caps derived from the open-file limit (<see cref="ConnectionLimits"/>).
    /// </summary>
    public static IServiceCollection AddKestrelSettings(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration, ILoggerFactory>((options, configuration, loggers) =>
        {
            string? limit = configuration[MaxRequestBodySizeKey];
            if (!string.IsNullOrEmpty(limit) && (!long.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes) || bytes < 0))
            {
                throw new InvalidOperationException($"{MaxRequestBodySizeKey} must be a number of bytes (0 or more), or empty for no limit; got \"{limit}\"");
            }
            options.AddServerHeader = false;
            options.Limits.KeepAliveTimeout = DefaultKeepAliveTimeout;
            options.Limits.Http2.KeepAlivePingDelay = DefaultKeepAlivePingDelay;
            long? openFiles = ConnectionLimits.SoftOpenFileLimit();
            var derived = ConnectionLimits.FromOpenFileLimit(openFiles);
            options.Limits.MaxConcurrentConnections = derived?.Connections;
            options.Limits.MaxConcurrentUpgradedConnections = derived?.Upgraded;
            configuration.GetSection(SectionName).Bind(options);

            LogEffectiveLimits(loggers.CreateLogger(typeof(KestrelSettings).FullName!), options.Limits,
                configuration[MaxConcurrentConnectionsKey] is not null ? MaxConcurrentConnectionsKey : null, openFiles);
        });
        return services;
    }

    private static void LogEffectiveLimits(ILogger logger, KestrelServerLimits limits, string? configuredBy, long? openFiles)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }
        string source = configuredBy
            ?? (openFiles is { } files ? $"open-file limit {files} less {ConnectionLimits.ReservedDescriptors} reserved" : "no open-file limit");
        string connections = Describe(limits.MaxConcurrentConnections);
        string upgraded = Describe(limits.MaxConcurrentUpgradedConnections);
        LogLimits(logger, connections, source, upgraded, limits.KeepAliveTimeout.TotalSeconds);
    }

    private static string Describe(long? limit) => limit?.ToString(CultureInfo.InvariantCulture) ?? "unlimited";

    [LoggerMessage(EventId = 300, Level = LogLevel.Information,
        Message = "Kestrel: at most {MaxConnections} concurrent connections ({Source}) and {MaxUpgraded} upgraded ones; idle connections closed after {KeepAliveSeconds} s")]
    private static partial void LogLimits(ILogger logger, string maxConnections, string source, string maxUpgraded, double keepAliveSeconds);
}
