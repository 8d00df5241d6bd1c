using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>No model (Model:Required=false), with every log entry collected.</summary>
public sealed class LoggedUnavailableModelFactory : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Model:Path"] = UnavailableModelFactory.MissingPath,
        ["Model:Required"] = "false",
    };

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddFakeLogging());
    }
}

public sealed class ReadinessLoggingTests(LoggedUnavailableModelFactory factory) : IClassFixture<LoggedUnavailableModelFactory>
{
    [Fact]
    public async Task AnUnhealthyProbeIsLoggedOnceWhenReadinessChangesNotOnEveryProbe()
    {
        for (int i = 0; i < 5; i++)
        {
            await factory.Client.GetAsync(new Uri("/health", UriKind.Relative));
        }

        var records = factory.Logs.GetSnapshot();
        var transitions = records.Where(r => r.Message.StartsWith("Readiness is now", StringComparison.Ordinal)).ToList();
        var transition = Assert.Single(transitions);
        Assert.Equal(LogLevel.Warning, transition.Level);
        Assert.Contains("does not exist", transition.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(records, r => r.Category?.Contains("HealthChecks", StringComparison.Ordinal) == true && r.Level >= LogLevel.Warning);
    }
}
