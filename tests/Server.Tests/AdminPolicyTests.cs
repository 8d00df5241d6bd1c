using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using TextClassification.Server.Errors;
using TextClassification.Server.Security;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>
/// The admin policy on a stand-in endpoint (the real <c>POST /admin/reload</c> comes with the lifecycle work), in a
/// host of its own built with the server's own access control: admin keys pass, inference keys get 403.
/// </summary>
public sealed class AdminPolicyTests : IAsyncLifetime
{
    private const string AdminPath = "/admin/test";

    private WebApplication app = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:0"] = ApiKeyServerFactory.InferenceKey,
            ["Auth:AdminKeys:0"] = ApiKeyServerFactory.AdminKey,
            // A key in both lists holds both roles.
            ["Auth:ApiKeys:1"] = ApiKeyServerFactory.OtherInferenceKey,
            ["Auth:AdminKeys:1"] = ApiKeyServerFactory.OtherInferenceKey,
        });
        builder.AddAccessControl();
        builder.Services.AddApiProblemDetails();
        app = builder.Build();
        app.UseAccessControl();
        app.MapPost(AdminPath, () => TypedResults.NoContent()).RequireAuthorization(AuthPolicies.Admin);
        await app.StartAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData(ApiKeyServerFactory.AdminKey)]
    [InlineData(ApiKeyServerFactory.OtherInferenceKey)]
    public async Task AnAdminKeyPassesTheAdminPolicy(string key)
    {
        var response = await PostAsync(key);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task AnInferenceKeyOnAnAdminEndpointIsForbiddenWith403()
    {
        var response = await PostAsync(ApiKeyServerFactory.InferenceKey);

        var problem = await ServerFactory.ReadProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(Problems.ForbiddenType, problem.Type);
        Assert.Contains("\"admin\"", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminEndpointWithoutAKeyIsRefusedWith401()
    {
        var response = await PostAsync(null);

        await ServerFactory.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    private async Task<HttpResponseMessage> PostAsync(string? key)
    {
        using var client = app.GetTestClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, AdminPath);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return await client.SendAsync(request);
    }
}
