using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using TextClassification.Server.Security;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Without keys or rate limits (the default) every endpoint is public, and neither is in the pipeline at all.</summary>
public sealed class AccessControlOffTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    [Fact]
    public void WithoutKeysOrLimitsNeitherAuthenticationNorTheRateLimiterIsRegistered()
    {
        Assert.Null(factory.Services.GetService<IAuthenticationSchemeProvider>());
        Assert.Null(factory.Services.GetService<ClientRateLimiter>());
    }

    [Theory]
    [InlineData("GET", "/model")]
    [InlineData("POST", "/predict")]
    [InlineData("POST", "/embed")]
    public async Task WithoutKeysProtectedEndpointsAnswerAnyoneWhateverAuthorizationTheySend(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "anything-at-all");
        if (method == "POST")
        {
            request.Content = new StringContent("""{"texts":["a","b","c"]}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        var response = await factory.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
