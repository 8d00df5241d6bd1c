using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace TextClassification.Server.Hosting;

/// <summary>Where settings come from, lowest to highest precedence.</summary>
internal static class SettingsConfiguration
{
    private const string AspNetCorePrefix = "ASPNETCORE_";

    /// <summary>
    /// Reads <c>appsettings*.json</c> from beside the binary (the copy of the repository's file) whatever the working
    /// directory, and lets <c>ASPNETCORE_*</c> variables (e.g. <c>ASPNETCORE_URLS</c>) override it: by default they sit
    /// below the JSON files, so the file's <c>Urls</c> would silently win. Order: JSON files, ASPNETCORE_* variables,
    /// other environment variables, command line.
    /// </summary>
    public static ConfigurationManager UseSettingsBesideBinary(this ConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sources = configuration.Sources;
        var beside = new PhysicalFileProvider(AppContext.BaseDirectory);
        int last = -1;
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                sources[i] = new JsonConfigurationSource { Path = path, Optional = json.Optional, ReloadOnChange = json.ReloadOnChange, FileProvider = beside };
                last = i;
            }
        }
        sources.Insert(last + 1, new EnvironmentVariablesConfigurationSource { Prefix = AspNetCorePrefix });
        return configuration;
    }

    /// <summary>The same layering for code that runs without a host (the <c>--healthcheck</c> probe).</summary>
    public static IConfiguration BuildStandalone(string[] args) => new ConfigurationBuilder()
        .AddJsonFile(new PhysicalFileProvider(AppContext.BaseDirectory), "appsettings.json", optional: true, reloadOnChange: false)
        .AddEnvironmentVariables(AspNetCorePrefix)
        .AddEnvironmentVariables()
        .AddCommandLine(args)
        .Build();
}
