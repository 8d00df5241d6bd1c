using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Options;

namespace TextClassification.Server.Security;

internal static class SecurityExtensions
{
    /// <summary>Default HSTS max-age (ASP.NET Core's own is 30 days); <c>Hsts:MaxAge</c> overrides it.</summary>
    public static readonly TimeSpan DefaultHstsMaxAge = TimeSpan.FromDays(365);

    /// <summary>
    /// The request body deadline (<c>Server:RequestBodyTimeout</c>), the memory reclaim after a burst of large bodies,
    /// and the HSTS settings (<c>Hsts:*</c>).
    /// </summary>
    public static IServiceCollection AddSecurity(this IServiceCollection services)
    {
        services.AddOptions<RequestBodyOptions>().BindConfiguration(RequestBodyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<MemoryReclaimer>();
        services.AddOptions<HstsSettings>().BindConfiguration(HstsSettings.SectionName).ValidateOnStart();
        services.AddHsts(options => options.MaxAge = DefaultHstsMaxAge);
        services.AddOptions<HstsOptions>().BindConfiguration(HstsSettings.SectionName);
        return services;
    }

    /// <summary>
    /// First in the pipeline, so that every answer (errors included) is covered: security headers, HSTS on HTTPS
    /// (unless Hsts:Enabled is false), HEAD answers without a body, and 405 for methods no endpoint could serve.
    /// </summary>
    public static IApplicationBuilder UseSecurity(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Read per request rather than now, so that an invalid setting is reported by startup validation, not thrown here.
        var hsts = app.ApplicationServices.GetRequiredService<IOptions<HstsSettings>>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseWhen(_ => hsts.Value.Enabled, https => https.UseHsts());
        app.UseMiddleware<HeadWithoutBodyMiddleware>();
        return app.UseMiddleware<UnsupportedMethodMiddleware>();
    }
}
