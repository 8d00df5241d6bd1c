using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Metrics:Enabled=false.</summary>
public sealed class MetricsDisabledFactory : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Metrics:Enabled"] = "false" };
}

public sealed class MetricsDisabledTests(MetricsDisabledFactory factory) : IClassFixture<MetricsDisabledFactory>
{
    [Fact]
    public async Task WithMetricsDisabledThereIsNoEndpointAndNothingCollects()
    {
        var response = await factory.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(factory.Services.GetService<MeterProvider>());
        Assert.Equal(HttpStatusCode.OK, (await factory.PostJsonAsync("{\"text\": \"free prize\"}")).StatusCode);
    }
}

public sealed class MetricsEnabledTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task MetricsAreOnByDefaultAndLeftOutOfSwagger()
    {
        var metrics = await factory.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        string swagger = await factory.Client.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("textclf_model_info", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("/metrics", swagger, StringComparison.Ordinal);
    }
}
