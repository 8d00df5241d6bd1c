using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace TextClassification.Server.Security;

/// <summary>
/// API keys (<c>Auth:*</c>), per-client rate limits (<c>RateLimit:*</c>) and the proxies trusted for the client address
/// (<c>ForwardedHeaders:*</c>), each through the framework: an authentication handler with authorization policies, the
/// rate limiting middleware, the forwarded headers middleware. Each is off until configured, and then absent from the
/// pipeline altogether, so that it costs a request nothing.
/// </summary>
internal static class AccessControlExtensions
{
    public static IHostApplicationBuilder AddAccessControl(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersSettings>().BindConfiguration(ForwardedHeadersSettings.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, settings) => ForwardedHeadersSettings.Apply(options, settings.Value));

        // Decided once, from the settings as they are at startup. The authentication services are registered only
        // with keys: WebApplication adds the authentication and authorization middleware by itself when they are.
        bool keys = builder.Configuration.GetSection(ApiKeyOptions.SectionName).Get<ApiKeyOptions>()?.Enabled == true;
        bool limits = builder.Configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>()?.Enabled == true;
        // Without keys nothing evaluates the endpoints' policies, which is what "off" means.
        services.Configure<RouteOptions>(options => options.SuppressCheckForUnhandledSecurityMetadata = !keys);
        if (keys)
        {
            AddApiKeys(services);
            // The base handler's own Information lines ("was challenged") would double every refusal logged at 320-322.
            builder.Logging.AddFilter(typeof(ApiKeyAuthenticationHandler).FullName, LogLevel.Warning);
        }
        if (limits)
        {
            AddClientRateLimits(services);
        }
        return builder;
    }

    /// <summary>First in the pipeline: the client address from <c>X-Forwarded-For</c>, only when it came through a known proxy.</summary>
    public static IApplicationBuilder UseForwardedHeadersFromKnownProxies(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.Enabled ? app.UseForwardedHeaders() : app;
    }

    /// <summary>
    /// After the public documentation and before the endpoints: authentication, then the rate limiter (so that a
    /// valid key is charged to its own bucket and anything else to its address, failed guesses included), then
    /// authorization. Each only when configured.
    /// </summary>
    public static IApplicationBuilder UseAccessControl(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Resolved now so that the key file is read, and watched, from startup.
        var keys = app.ApplicationServices.GetService<ApiKeyStore>();
        if (keys is not null)
        {
            app.UseAuthentication();
        }
        if (app.ApplicationServices.GetService<ClientRateLimiter>() is not null)
        {
            app.UseRateLimiter();
        }
        if (keys is not null)
        {
            app.UseAuthorization();
        }
        return app;
    }

    private static void AddApiKeys(IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        // Nothing here uses data protection (no cookies), which AddAuthentication brings along: keep its keys in memory
        // rather than writing a key ring to the home directory, with a warning, at every start.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        var inference = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(AuthPolicies.Inference).Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Inference, inference)
            .AddPolicy(AuthPolicies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(AuthPolicies.Admin))
            // An endpoint that declares nothing (and a path with no endpoint) needs an inference key: protected until it says otherwise.
            .SetFallbackPolicy(inference);
    }

    private static void AddClientRateLimits(IServiceCollection services)
    {
        services.AddSingleton<ClientRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>().Configure<ClientRateLimiter>((options, limiter) =>
        {
            options.GlobalLimiter = limiter.Limiter;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => new ValueTask(limiter.Refusal(context.HttpContext, context.Lease).ExecuteAsync(context.HttpContext));
        });
    }
}
