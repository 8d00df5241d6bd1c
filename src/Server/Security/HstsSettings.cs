namespace TextClassification.Server.Security;

/// <summary>
/// <c>Hsts:Enabled</c>; the other <c>Hsts:*</c> keys bind ASP.NET Core's <see cref="Microsoft.AspNetCore.HttpsPolicy.HstsOptions"/>
/// (<c>MaxAge</c>, <c>IncludeSubDomains</c>, <c>Preload</c>, <c>ExcludedHosts</c>).
/// </summary>
internal sealed class HstsSettings
{
    public const string SectionName = "Hsts";

    /// <summary>Send Strict-Transport-Security on HTTPS answers (never for localhost and loopback hosts).</summary>
    public bool Enabled { get; set; } = true;
}
