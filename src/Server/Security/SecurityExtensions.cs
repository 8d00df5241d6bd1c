namespace TextClassification.Server.Security;

internal static class SecurityExtensions
{
    /// <summary>The request body deadline (<c>Server:RequestBodyTimeout</c>).</summary>
    public static IServiceCollection AddSecurity(this IServiceCollection services)
    {
        services.AddOptions<RequestBodyOptions>().BindConfiguration(RequestBodyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
