using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace TextClassification.Server.Tls;

internal static class TlsServiceCollectionExtensions
{
    public const string ConfiguredCertificateSection = "Kestrel:Certificates:Default";

    /// <summary>
    /// HTTPS defaults for every Kestrel HTTPS endpoint (from Urls, --urls, ASPNETCORE_URLS or Kestrel:Endpoints):
    /// <see cref="TlsPolicy"/>, and the certificate from <c>Kestrel:Certificates:Default</c> (PEM Path + KeyPath, or
    /// PFX Path + Password) or else the generated <see cref="SelfSignedCertificate"/>.
    /// </summary>
    public static IServiceCollection AddTls(this IServiceCollection services)
    {
        services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SelfSignedCertificate>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, HttpsDefaultsSetup>();
        return services;
    }

    /// <summary>
    /// True when Kestrel has a certificate from configuration for every HTTPS endpoint: a default one, or one per
    /// endpoint when Kestrel:Endpoints is used (Kestrel then ignores Urls).
    /// </summary>
    public static bool CertificateConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetSection(ConfiguredCertificateSection).Exists())
        {
            return true;
        }
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        return endpoints.Count > 0 && endpoints
            .Where(endpoint => endpoint["Url"]?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == true)
            .All(endpoint => endpoint.GetSection("Certificate").Exists());
    }

    private sealed class HttpsDefaultsSetup(IConfiguration configuration, SelfSignedCertificate selfSigned) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions options)
        {
            bool configured = CertificateConfigured(configuration);
            options.ConfigureHttpsDefaults(https =>
            {
                https.SslProtocols = TlsPolicy.Protocols;
                if (TlsPolicy.CipherSuites is { } suites)
                {
                    https.OnAuthenticate = (_, authentication) => authentication.CipherSuitesPolicy = suites;
                }
                if (!configured)
                {
                    https.ServerCertificate = selfSigned.Certificate;
                }
            });
        }
    }
}
