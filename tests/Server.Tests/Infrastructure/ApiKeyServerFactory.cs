using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>The app with API keys on: two inference keys and an admin key in settings; logs are captured.</summary>
public class ApiKeyServerFactory : ServerFactory
{
    public const string InferenceKey = "inference-key-0123456789abcdef0123456789abcdef";
    public const string OtherInferenceKey = "another-inference-key-fedcba9876543210fedcba98";
    public const string AdminKey = "admin-key-00112233445566778899aabbccddeeff00112233";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Auth:ApiKeys:0"] = InferenceKey,
        ["Auth:ApiKeys:1"] = OtherInferenceKey + "\n",
        ["Auth:AdminKeys:0"] = AdminKey,
    };

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>A client that sends <c>Authorization: Bearer <paramref name="key"/></c> on every request.</summary>
    public HttpClient ClientWith(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddFakeLogging());
    }
}
