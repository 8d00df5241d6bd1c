using TextClassification.Server.Security;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

public sealed class RequestBodyTimeoutSettingTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("02:00:00")]
    public async Task AnOutOfRangeRequestBodyTimeoutStopsStartupNamingTheKey(string value)
    {
        using var certificates = new TempDir();

        var (exitCode, _, errors) = await ServerProcess.RunToExitAsync(TimeSpan.FromSeconds(90), $"--Model:Path={TinyBundle.Path}",
            $"--Tls:CertificateDirectory={certificates.Path}", "--urls", "https://127.0.0.1:0", $"--{RequestBodyOptions.RequestBodyTimeoutKey}={value}");

        Assert.Equal(1, exitCode);
        Assert.Contains($"{RequestBodyOptions.RequestBodyTimeoutKey} must be between", errors, StringComparison.Ordinal);
    }
}
