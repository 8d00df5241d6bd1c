using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TextClassification.Server.Tests.Infrastructure;
using TextClassification.Server.Tls;

namespace TextClassification.Server.Tests;

/// <summary>The generated private key is the owner's alone; a key others can read is still used, with a warning.</summary>
public sealed class PrivateKeyFileTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempDir root = new();
    private readonly CapturingLogger<SelfSignedCertificate> logger = new();

    private string Directory => root.File("certs");

    [Fact]
    public void TheGeneratedKeyIsMode600InADirectoryOfMode700()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var generated = Certificate();

        _ = generated.Certificate;

        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(generated.KeyPath));
        Assert.Equal(OwnerReadWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Directory));
        Assert.DoesNotContain(logger.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    [Fact]
    public void AKeyOthersCanReadIsReusedWithAWarning()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string fingerprint;
        using (var first = Certificate())
        {
            fingerprint = SelfSignedCertificate.Fingerprint(first.Certificate);
            File.SetUnixFileMode(first.KeyPath, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        using var second = Certificate();

        Assert.Equal(fingerprint, SelfSignedCertificate.Fingerprint(second.Certificate));
        var warning = Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Contains(second.KeyPath, warning.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", warning.Message, StringComparison.Ordinal);
    }

    public void Dispose() => root.Dispose();

    private SelfSignedCertificate Certificate() => new(Options.Create(new TlsOptions { CertificateDirectory = Directory }),
        new HostingEnvironment { ContentRootPath = root.Path }, TimeProvider.System, logger);
}
