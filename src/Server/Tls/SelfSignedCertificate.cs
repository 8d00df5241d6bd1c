using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace TextClassification.Server.Tls;

/// <summary>
/// The certificate used when none is configured: ECDSA P-256, self-signed, for localhost, 127.0.0.1, ::1 and the
/// machine name, kept as cert.pem (mode 644) + key.pem (mode 600) in <see cref="TlsOptions.CertificateDirectory"/>
/// (created mode 700). It is reused on later starts (with a warning when others may read the key) and regenerated when
/// unreadable, mismatched, expired or within 30 days of expiry. The path and SHA-256 fingerprint are logged so clients
/// can trust exactly this certificate (<c>curl --cacert cert.pem</c>).
/// </summary>
internal sealed partial class SelfSignedCertificate(IOptions<TlsOptions> options, IHostEnvironment environment, TimeProvider time,
    ILogger<SelfSignedCertificate> logger) : IDisposable
{
    public const string CertificateFileName = "cert.pem";
    public const string KeyFileName = "key.pem";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private readonly Lock gate = new();
    private X509Certificate2? certificate;

    public string Directory => Path.GetFullPath(options.Value.CertificateDirectory, environment.ContentRootPath);

    public string CertificatePath => Path.Combine(Directory, CertificateFileName);

    public string KeyPath => Path.Combine(Directory, KeyFileName);

    /// <summary>Loads or creates the certificate on first use (when Kestrel binds its first HTTPS endpoint).</summary>
    public X509Certificate2 Certificate
    {
        get
        {
            lock (gate)
            {
                return certificate ??= LoadOrCreate();
            }
        }
    }

    public void Dispose() => certificate?.Dispose();

    /// <summary>SHA-256 fingerprint in the form <c>openssl x509 -fingerprint -sha256</c> prints.</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return string.Join(':', certificate.GetCertHashString(HashAlgorithmName.SHA256).Chunk(2).Select(pair => new string(pair)));
    }

    private X509Certificate2 LoadOrCreate()
    {
        var now = time.GetUtcNow();
        string reason;
        if (!File.Exists(CertificatePath) || !File.Exists(KeyPath))
        {
            reason = "none found";
        }
        else
        {
            try
            {
                var existing = Usable(X509Certificate2.CreateFromPemFile(CertificatePath, KeyPath));
                var notAfter = existing.NotAfter.ToUniversalTime();
                if (notAfter - now.UtcDateTime > RenewBefore && existing.NotBefore.ToUniversalTime() <= now.UtcDateTime)
                {
                    string fingerprint = Fingerprint(existing);
                    LogReused(logger, CertificatePath, fingerprint, notAfter);
                    WarnIfKeyReadableByOthers();
                    return existing;
                }
                reason = $"the previous one expires {notAfter:u}";
                existing.Dispose();
            }
            catch (CryptographicException ex)
            {
                reason = $"the previous one is unusable ({ex.Message})";
            }
        }
        var created = Create(now);
        try
        {
            Save(created);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            created.Dispose();
            throw new IOException($"{Directory}: cannot store the self-signed certificate there ({ex.Message}); set Tls:CertificateDirectory to a writable directory "
                + "or configure Kestrel:Certificates:Default", ex);
        }
        string createdFingerprint = Fingerprint(created);
        var createdNotAfter = created.NotAfter.ToUniversalTime();
        LogCreated(logger, CertificatePath, createdFingerprint, createdNotAfter, reason);
        return created;
    }

    private static X509Certificate2 Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost, O=textclf-server self-signed", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        if (Uri.CheckHostName(Environment.MachineName) == UriHostNameType.Dns && !Environment.MachineName.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            names.AddDnsName(Environment.MachineName);
        }
        var subjectKey = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(subjectKey);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKey));
        return Usable(request.CreateSelfSigned(now.AddDays(-1), now.Add(Lifetime)));
    }

    /// <summary>
    /// The certificate as the TLS stack can use it: as is on Linux; on Windows, where SChannel cannot use an ephemeral
    /// key, a PKCS#12 round trip (skipped elsewhere because it costs startup time).
    /// </summary>
    private static X509Certificate2 Usable(X509Certificate2 certificate)
    {
        if (!OperatingSystem.IsWindows())
        {
            return certificate;
        }
        using (certificate)
        {
            return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
        }
    }

    private void Save(X509Certificate2 created)
    {
        const UnixFileMode ReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode Public = ReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            // Owner only: the directory holds the private key. An existing directory keeps its mode.
            System.IO.Directory.CreateDirectory(Directory, ReadWrite | UnixFileMode.UserExecute);
        }
        using var key = created.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the generated certificate has no ECDSA private key");
        // Key first: a crash between the two writes leaves a mismatched pair, which the next start detects and replaces.
        WriteAtomically(KeyPath, key.ExportPkcs8PrivateKeyPem(), ReadWrite);
        WriteAtomically(CertificatePath, created.ExportCertificatePem(), Public);
    }

    /// <summary>Writes a temporary file with <paramref name="mode"/> from the start (no window with wider access), then renames it.</summary>
    private static void WriteAtomically(string path, string content, UnixFileMode mode)
    {
        string temporary = path + ".tmp";
        File.Delete(temporary);
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = mode;
        }
        using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, fileOptions))
        {
            writer.Write(content);
            writer.Write('\n');
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A key that others can read is still used (refusing would stop the server), but the operator is told.</summary>
    private void WarnIfKeyReadableByOthers()
    {
        const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(KeyPath) & Others) != 0)
        {
            LogKeyReadableByOthers(logger, KeyPath);
        }
    }

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning,
        Message = "TLS: the private key {KeyPath} can be read or written by users other than its owner; restrict it with chmod 600 {KeyPath}")]
    private static partial void LogKeyReadableByOthers(ILogger logger, string keyPath);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information,
        Message = "TLS: using the self-signed certificate {CertificatePath} (SHA-256 {Fingerprint}, valid until {NotAfter:u}); clients can trust it with curl --cacert {CertificatePath}")]
    private static partial void LogReused(ILogger logger, string certificatePath, string fingerprint, DateTime notAfter);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information,
        Message = "TLS: generated a self-signed certificate {CertificatePath} (SHA-256 {Fingerprint}, valid until {NotAfter:u}) because {Reason}; clients can trust it with curl --cacert {CertificatePath}")]
    private static partial void LogCreated(ILogger logger, string certificatePath, string fingerprint, DateTime notAfter, string reason);
}
