using Microsoft.AspNetCore.Http;
using TextClassification.Server.Errors;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>
/// Rate limits per client address (keys off): a token bucket of <see cref="RateLimitedServerFactory.Burst"/> permits, one
/// per text. Each test uses addresses of its own, since the fixture's buckets live as long as the class.
/// </summary>
public sealed class RateLimitTests(RateLimitedServerFactory factory) : IClassFixture<RateLimitedServerFactory>
{
    [Fact]
    public async Task RequestsBeyondTheBurstAreRefusedWith429AProblemAndRetryAfter()
    {
        for (int i = 0; i < RateLimitedServerFactory.Burst; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("192.0.2.1")).Response.StatusCode);
        }

        var refused = await factory.PredictAsync("192.0.2.1");

        var problem = await AssertRateLimitedAsync(refused);
        Assert.True(int.Parse(refused.Response.Headers.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("address 192.0.2.1", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABatchCostsOnePermitPerText()
    {
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("192.0.2.2", texts: RateLimitedServerFactory.Burst)).Response.StatusCode);

        await AssertRateLimitedAsync(await factory.PredictAsync("192.0.2.2"));
    }

    [Fact]
    public async Task ABatchIsRefusedWhenTheBucketHoldsFewerPermitsThanItsTexts()
    {
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("192.0.2.3")).Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("192.0.2.3")).Response.StatusCode);

        var refused = await factory.PredictAsync("192.0.2.3", texts: 2);

        await AssertRateLimitedAsync(refused);
        Assert.False(string.IsNullOrEmpty(refused.Response.Headers.RetryAfter));
    }

    [Fact]
    public async Task ABatchLargerThanTheBurstIsRefusedWithoutRetryAfterSinceWaitingCannotHelp()
    {
        var refused = await factory.PredictAsync("192.0.2.4", texts: RateLimitedServerFactory.Burst + 1);

        var detail = await AssertRateLimitedAsync(refused);
        Assert.Contains("RateLimit:Burst", detail, StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(refused.Response.Headers.RetryAfter));
    }

    [Theory]
    [InlineData("/health", "192.0.2.50")]
    [InlineData("/health/live", "192.0.2.51")]
    [InlineData("/", "192.0.2.52")]
    public async Task ProbesAndTheServiceInfoAreNeverRateLimited(string path, string address)
    {
        await ExhaustAsync(address);

        for (int i = 0; i < RateLimitedServerFactory.Burst + 2; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, (await factory.SendAsync(path, null, address)).Response.StatusCode);
        }
    }

    [Fact]
    public async Task EachClientAddressHasABucketOfItsOwn()
    {
        await ExhaustAsync("192.0.2.6");

        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("192.0.2.7")).Response.StatusCode);
    }

    [Fact]
    public async Task XForwardedForIsIgnoredWithoutKnownProxiesSoAClientCannotPickItsBucket()
    {
        for (int i = 0; i < RateLimitedServerFactory.Burst; i++)
        {
            Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("192.0.2.8", forwardedFor: $"198.51.100.{i}")).Response.StatusCode);
        }

        await AssertRateLimitedAsync(await factory.PredictAsync("192.0.2.8", forwardedFor: "198.51.100.99"));
    }

    [Fact]
    public async Task IPv6ClientsAreCountedByTheir64BitPrefix()
    {
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("2001:db8:1:2::1")).Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("2001:db8:1:2::2")).Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("2001:db8:1:2:ffff:ffff:ffff:ffff")).Response.StatusCode);

        await AssertRateLimitedAsync(await factory.PredictAsync("2001:db8:1:2::3"));
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("2001:db8:1:3::1")).Response.StatusCode);
    }

    [Fact]
    public async Task ARefusedBodyStillCostsItsRequestPermit()
    {
        for (int i = 0; i < RateLimitedServerFactory.Burst; i++)
        {
            Assert.Equal(StatusCodes.Status400BadRequest, (await factory.SendAsync("/predict", """{"txt":"typo"}""", "192.0.2.9")).Response.StatusCode);
        }

        await AssertRateLimitedAsync(await factory.PredictAsync("192.0.2.9"));
    }

    private async Task ExhaustAsync(string address)
    {
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync(address, texts: RateLimitedServerFactory.Burst)).Response.StatusCode);
        await AssertRateLimitedAsync(await factory.PredictAsync(address));
    }

    /// <summary>Asserts a 429 problem answer and returns its detail.</summary>
    internal static async Task<string> AssertRateLimitedAsync(HttpContext context)
    {
        var response = context.Response;
        string body = await new StreamReader(response.Body).ReadToEndAsync();
        Assert.True(response.StatusCode == StatusCodes.Status429TooManyRequests, $"expected 429, got {response.StatusCode}: {body}");
        Assert.Equal(ServerFactory.ProblemContentType, response.ContentType?.Split(';')[0]);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(Problems.TooManyRequestsType, json.RootElement.GetProperty("type").GetString());
        Assert.Equal(429, json.RootElement.GetProperty("status").GetInt32());
        return json.RootElement.GetProperty("detail").GetString()!;
    }
}
