namespace TextClassification.Server.Hosting;

/// <summary>
/// A setting whose key was renamed. The old key keeps working where it is given with more precedence than the new one
/// (so <c>--Model:MaxBatchSize=64</c> still overrides the new key in appsettings.json); <see cref="RenamedSettingsWarning"/>
/// logs a deprecation warning at start.
/// </summary>
internal sealed record RenamedSetting(string OldKey, string NewKey)
{
    /// <summary>The old key's value when the highest-precedence source that sets either key sets the old one; otherwise null.</summary>
    public string? LegacyValue(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration is not IConfigurationRoot root)
        {
            return configuration[NewKey] is null ? configuration[OldKey] : null;
        }
        for (int i = root.Providers.Count() - 1; i >= 0; i--)
        {
            var provider = root.Providers.ElementAt(i);
            if (provider.TryGet(NewKey, out _))
            {
                return null;
            }
            if (provider.TryGet(OldKey, out string? value))
            {
                return value;
            }
        }
        return null;
    }
}
