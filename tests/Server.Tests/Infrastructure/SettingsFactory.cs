namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>The in-memory app with some settings of the test's own on top of <see cref="ServerFactory"/>'s.</summary>
public sealed class SettingsFactory(Dictionary<string, string?> settings) : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings
    {
        get
        {
            var merged = new Dictionary<string, string?>(base.Settings);
            foreach (var (key, value) in settings)
            {
                merged[key] = value;
            }
            return merged;
        }
    }
}
