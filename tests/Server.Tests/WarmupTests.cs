using Microsoft.Extensions.Logging;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>The shipped model with a short warm-up (Inference:WarmupRequests=40) and every log entry collected.</summary>
public sealed class WarmedUpModelFactory : LoggedServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Model:Path"] = RepoPaths.DefaultModel,
        ["Inference:WarmupRequests"] = "40",
    };
}

public sealed class WarmupTests(WarmedUpModelFactory factory) : IClassFixture<WarmedUpModelFactory>
{
    [Fact]
    public async Task TheModelServesOnlyAfterTheWarmUpRanThroughTheRequestPath()
    {
        var health = await factory.Client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);

        var records = factory.Logs.GetSnapshot();
        int warmedUp = records.ToList().FindIndex(r => r.Message.StartsWith("Warmed up with 40 requests through the request path", StringComparison.Ordinal));
        int loaded = records.ToList().FindIndex(r => r.Message.StartsWith("Model loaded from", StringComparison.Ordinal));
        Assert.True(warmedUp >= 0, "the warm-up was not logged");
        Assert.True(warmedUp < loaded, "the model was announced before its warm-up finished");
        Assert.Equal(LogLevel.Information, records[warmedUp].Level);
    }
}
