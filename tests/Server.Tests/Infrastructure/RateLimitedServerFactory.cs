using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// The app with rate limits on: buckets of <see cref="Burst"/> permits that refill so slowly (one permit per 1,000 s)
/// that no test sees a refill. Requests go through <see cref="SendAsync"/> to set the client address.
/// </summary>
public class RateLimitedServerFactory : ServerFactory
{
    public const int Burst = 3;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["RateLimit:PermitsPerSecond"] = "0.001",
        ["RateLimit:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>One request from <paramref name="address"/>; <paramref name="json"/> null for a GET.</summary>
    public async Task<HttpContext> SendAsync(string path, string? json, string address, string? forwardedFor = null, string? key = null)
    {
        byte[]? body = json is null ? null : Encoding.UTF8.GetBytes(json);
        return await Server.SendAsync(context =>
        {
            context.Request.Method = body is null ? HttpMethods.Get : HttpMethods.Post;
            context.Request.Path = path;
            context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            if (body is not null)
            {
                context.Request.ContentType = "application/json";
                context.Request.ContentLength = body.Length;
                context.Request.Body = new MemoryStream(body);
            }
            if (forwardedFor is not null)
            {
                context.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
            if (key is not null)
            {
                context.Request.Headers.Authorization = "Bearer " + key;
            }
        });
    }

    public Task<HttpContext> PredictAsync(string address, int texts = 1, string? forwardedFor = null, string? key = null) =>
        SendAsync("/predict", texts == 1 ? """{"text":"win a prize"}""" : "{\"texts\":[" + string.Join(',', Enumerable.Repeat("\"win\"", texts)) + "]}",
            address, forwardedFor, key);
}
