namespace TextClassification.Server.Hosting;

/// <summary>Logs one warning at start for each renamed setting still given under its old key.</summary>
internal sealed partial class RenamedSettingsWarning(IConfiguration configuration, IEnumerable<RenamedSetting> renamed, ILogger<RenamedSettingsWarning> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var setting in renamed)
        {
            if (configuration[setting.OldKey] is not null)
            {
                bool used = setting.LegacyValue(configuration) is not null;
                LogRenamed(logger, setting.OldKey, setting.NewKey, used ? "it is used for now" : $"it is ignored because {setting.NewKey} is given too");
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "The setting {OldKey} is deprecated; rename it to {NewKey} ({Effect})")]
    private static partial void LogRenamed(ILogger logger, string oldKey, string newKey, string effect);
}
