using System.Net;
using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

public sealed class AdminReloadTests(ApiKeyServerFactory factory) : IClassFixture<ApiKeyServerFactory>
{
    private static readonly Uri Reload = new("/admin/reload", UriKind.Relative);

    [Fact]
    public async Task AnAdminKeyReloadsTheModelAndGetsTheAttempt()
    {
        using var client = factory.ClientWith(ApiKeyServerFactory.AdminKey);

        var response = await client.PostAsync(Reload, content: null);

        var attempt = await ServerFactory.ReadOkAsync(response);
        Assert.Equal("succeeded", attempt.GetProperty("status").GetString());
        Assert.Equal(Path.GetFileName(TinyBundle.Path), attempt.GetProperty("bundle").GetString());
        using var inference = factory.ClientWith(ApiKeyServerFactory.InferenceKey);
        var model = await ServerFactory.ReadOkAsync(await inference.GetAsync(new Uri("/model", UriKind.Relative)));
        Assert.Equal("succeeded", model.GetProperty("lastReload").GetProperty("status").GetString());
    }

    [Fact]
    public async Task AnInferenceKeyOnTheReloadEndpointIsForbidden()
    {
        using var client = factory.ClientWith(ApiKeyServerFactory.InferenceKey);

        await ServerFactory.ReadProblemAsync(await client.PostAsync(Reload, content: null), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheReloadEndpointWithoutAKeyIsUnauthorized()
    {
        await ServerFactory.ReadProblemAsync(await factory.Client.PostAsync(Reload, content: null), HttpStatusCode.Unauthorized);
    }
}

public sealed class AdminReloadWithoutAdminKeysTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    [Fact]
    public async Task WithoutAnAdminKeyTheReloadEndpointDoesNotExist()
    {
        var response = await factory.Client.PostAsync(new Uri("/admin/reload", UriKind.Relative), content: null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.ValueKind);
    }
}
