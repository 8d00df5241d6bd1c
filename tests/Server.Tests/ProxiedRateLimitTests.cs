using Microsoft.AspNetCore.Http;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Behind a known proxy the rate limit counts the forwarded client; <c>X-Forwarded-For</c> from anyone else is ignored.</summary>
public sealed class ProxiedRateLimitTests(ProxiedServerFactory factory) : IClassFixture<ProxiedServerFactory>
{
    [Theory]
    [InlineData(ProxiedServerFactory.Proxy, "198.51.100.1", "198.51.100.2")]
    [InlineData("10.3.200.7", "198.51.100.3", "198.51.100.4")]
    public async Task BehindAKnownProxyEachForwardedClientHasABucketOfItsOwn(string proxy, string client, string otherClient)
    {
        await ExhaustAsync(proxy, client);

        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync(proxy, forwardedFor: otherClient)).Response.StatusCode);
    }

    [Fact]
    public async Task XForwardedForFromAnAddressThatIsNotAKnownProxyIsIgnored()
    {
        for (int i = 0; i < RateLimitedServerFactory.Burst; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("203.0.113.5", forwardedFor: $"198.51.100.{10 + i}")).Response.StatusCode);
        }

        await RateLimitTests.AssertRateLimitedAsync(await factory.PredictAsync("203.0.113.5", forwardedFor: "198.51.100.99"));
    }

    [Fact]
    public async Task TheRefusalNamesTheForwardedClientAddress()
    {
        await ExhaustAsync(ProxiedServerFactory.Proxy, "198.51.100.20");

        var detail = await RateLimitTests.AssertRateLimitedAsync(await factory.PredictAsync(ProxiedServerFactory.Proxy, forwardedFor: "198.51.100.20"));

        Assert.Contains("address 198.51.100.20", detail, StringComparison.Ordinal);
    }

    private async Task ExhaustAsync(string proxy, string client)
    {
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync(proxy, texts: RateLimitedServerFactory.Burst, forwardedFor: client)).Response.StatusCode);
        await RateLimitTests.AssertRateLimitedAsync(await factory.PredictAsync(proxy, forwardedFor: client));
    }
}
