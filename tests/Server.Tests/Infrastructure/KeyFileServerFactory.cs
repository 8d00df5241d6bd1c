using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>The app with <c>Auth:ApiKeysFile</c> at <paramref name="keyFile"/> and one more key in settings; logs are captured.</summary>
public sealed class KeyFileServerFactory(string keyFile) : ServerFactory
{
    public const string SettingsKey = "settings-key-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Auth:ApiKeysFile"] = keyFile,
        ["Auth:ApiKeys:0"] = SettingsKey,
    };

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddFakeLogging());
    }
}
