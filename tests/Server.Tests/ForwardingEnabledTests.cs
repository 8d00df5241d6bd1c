using Microsoft.AspNetCore.Http;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Only <c>ForwardedHeaders:*</c> decides whose <c>X-Forwarded-For</c> is believed, not the framework's blanket switch.</summary>
public sealed class ForwardingEnabledTests(ForwardingEnabledServerFactory factory) : IClassFixture<ForwardingEnabledServerFactory>
{
    [Fact]
    public async Task TheFrameworksForwardedHeadersSwitchDoesNotLetAClientPickItsBucket()
    {
        for (int i = 0; i < RateLimitedServerFactory.Burst; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("192.0.2.70", forwardedFor: $"198.51.100.{40 + i}")).Response.StatusCode);
        }

        await RateLimitTests.AssertRateLimitedAsync(await factory.PredictAsync("192.0.2.70", forwardedFor: "198.51.100.99"));
    }
}
