using System.ComponentModel.DataAnnotations;

namespace TextClassification.Server.Tls;

/// <summary>The <c>Tls</c> settings.</summary>
internal sealed class TlsOptions
{
    public const string SectionName = "Tls";

    /// <summary>
    /// Where the generated self-signed certificate (cert.pem, key.pem) is kept when no certificate is configured under
    /// <c>Kestrel:Certificates:Default</c>; relative to the content root (the working directory).
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Tls:CertificateDirectory must name a directory")]
    public string CertificateDirectory { get; set; } = ".certs";
}
