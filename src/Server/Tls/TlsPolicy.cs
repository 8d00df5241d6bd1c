using System.Net.Security;
using System.Security.Authentication;

namespace TextClassification.Server.Tls;

/// <summary>
/// The server's own TLS policy, independent of the host's OpenSSL configuration: TLS 1.2 and 1.3 only, and the
/// Mozilla "intermediate" suites restricted to forward-secret AEAD ones (ECDHE with AES-GCM or ChaCha20-Poly1305
/// under TLS 1.2; all three TLS 1.3 suites, which are AEAD by design).
/// </summary>
internal static class TlsPolicy
{
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    public static IReadOnlyList<TlsCipherSuite> Suites { get; } =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>The suites as a policy; null where .NET cannot set one (Windows uses the OS policy there).</summary>
    public static CipherSuitesPolicy? CipherSuites { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsFreeBSD() ? new CipherSuitesPolicy(Suites) : null;
}
