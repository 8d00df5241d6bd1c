using Microsoft.AspNetCore.Http;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>With API keys on, a valid key is its own client whatever its address; anything else is counted by address.</summary>
public sealed class KeyedRateLimitTests(KeyedRateLimitedServerFactory factory) : IClassFixture<KeyedRateLimitedServerFactory>
{
    [Fact]
    public async Task EachKeyHasABucketOfItsOwnWhateverTheAddress()
    {
        Assert.Equal(StatusCodes.Status200OK,
            (await factory.PredictAsync("192.0.2.30", texts: RateLimitedServerFactory.Burst, key: ApiKeyServerFactory.InferenceKey)).Response.StatusCode);

        var detail = await RateLimitTests.AssertRateLimitedAsync(await factory.PredictAsync("192.0.2.31", key: ApiKeyServerFactory.InferenceKey));
        Assert.Contains("this API key", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeyServerFactory.InferenceKey, detail, StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status200OK, (await factory.PredictAsync("192.0.2.30", key: ApiKeyServerFactory.OtherInferenceKey)).Response.StatusCode);
    }

    [Fact]
    public async Task FailedKeyGuessesAreRateLimitedByAddress()
    {
        for (int i = 0; i < RateLimitedServerFactory.Burst; i++)
        {
            var guess = await factory.PredictAsync("192.0.2.32", key: $"guess-{i}-0123456789abcdef0123456789abcdef");
            Assert.Equal(StatusCodes.Status401Unauthorized, guess.Response.StatusCode);
        }

        await RateLimitTests.AssertRateLimitedAsync(await factory.PredictAsync("192.0.2.32", key: "guess-9-0123456789abcdef0123456789abcdef"));
    }
}
