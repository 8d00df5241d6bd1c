using Microsoft.Extensions.Logging;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>No model (Model:Required=false), with every log entry collected.</summary>
public sealed class LoggedUnavailableModelFactory : LoggedServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Model:Path"] = UnavailableModelFactory.MissingPath,
        ["Model:Required"] = "false",
    };
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

/// <summary>The shipped model (a load of 100 ms or more) within a Model:LoadTimeout of 1 ms, with Model:Required=false.</summary>
public sealed class OverdueModelFactory : LoggedServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Model:Path"] = RepoPaths.DefaultModel,
        ["Model:LoadTimeout"] = "00:00:00.001",
        ["Model:Required"] = "false",
    };
}

public sealed class LoadTimeoutTests(OverdueModelFactory factory) : IClassFixture<OverdueModelFactory>
{
    [Fact]
    public async Task AnOverdueLoadIsAbandonedAndItsModelNeverServes()
    {
        var problem = await ServerFactory.ReadProblemAsync(await factory.PostJsonAsync("""{"text":"hello"}"""), System.Net.HttpStatusCode.ServiceUnavailable);
        Assert.Contains("did not finish loading within 00:00:00.0010000 (Model:LoadTimeout)", problem.Detail, StringComparison.Ordinal);

        // The load itself goes on and finishes; its model is discarded, not published late.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!factory.Logs.GetSnapshot().Any(r => r.Message.Contains("abandoned model load", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Contains(factory.Logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("its model was discarded", StringComparison.Ordinal));
        var health = await factory.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }
}
