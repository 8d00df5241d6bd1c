using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace TextClassification.Server.Security;

/// <summary>
/// API keys (<c>Auth:*</c>) through the framework: an authentication handler with authorization policies. Off until a
/// key is configured, and then absent from the pipeline altogether, so that it costs a request nothing.
/// </summary>
internal static class AccessControlExtensions
{
    public static IHostApplicationBuilder AddAccessControl(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();

        // Decided once, from the settings as they are at startup. The authentication services are registered only
        // with keys: WebApplication adds the authentication and authorization middleware by itself when they are.
        bool keys = builder.Configuration.GetSection(ApiKeyOptions.SectionName).Get<ApiKeyOptions>()?.Enabled == true;
        // Without keys nothing evaluates the endpoints' policies, which is what "off" means.
        services.Configure<RouteOptions>(options => options.SuppressCheckForUnhandledSecurityMetadata = !keys);
        if (keys)
        {
            AddApiKeys(services);
            // The base handler's own Information lines ("was challenged") would double every refusal logged at 320-322.
            builder.Logging.AddFilter(typeof(ApiKeyAuthenticationHandler).FullName, LogLevel.Warning);
        }
        return builder;
    }

    /// <summary>After the public documentation and before the endpoints: authentication, then authorization, when keys are configured.</summary>
    public static IApplicationBuilder UseAccessControl(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Resolved now so that the key file is read, and watched, from startup.
        if (app.ApplicationServices.GetService<ApiKeyStore>() is not null)
        {
            app.UseAuthentication();
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
}
