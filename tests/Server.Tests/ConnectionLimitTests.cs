using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TextClassification.Server.Hosting;

namespace TextClassification.Server.Tests;

/// <summary>Kestrel's connection caps and keep-alive: derived from the open-file limit by default, overridden by their keys.</summary>
public sealed class ConnectionLimitTests
{
    [Theory]
    [InlineData(1200L, 765L, 51L)]
    [InlineData(1024L, 600L, 40L)]
    [InlineData(65536L, 61080L, 4072L)]
    public void TheConnectionCapsLeaveTheReservedDescriptorsFree(long openFiles, long connections, long upgraded)
    {
        var caps = ConnectionLimits.FromOpenFileLimit(openFiles);

        Assert.Equal((connections, upgraded), caps);
        Assert.True(caps!.Value.Connections + caps.Value.Upgraded + ConnectionLimits.ReservedDescriptors <= openFiles);
    }

    [Fact]
    public void AnOpenFileLimitBelowTheReserveStillAllowsAFewConnections()
    {
        var caps = ConnectionLimits.FromOpenFileLimit(256);

        Assert.Equal(ConnectionLimits.MinimumConnections, caps!.Value.Connections + caps.Value.Upgraded);
        Assert.True(caps.Value.Upgraded >= 1);
    }

    [Fact]
    public void NoOpenFileLimitMeansNoCap()
    {
        Assert.Null(ConnectionLimits.FromOpenFileLimit(null));
    }

    [Theory]
    [InlineData("Max open files            1200                 4096                 files     ", 1200L)]
    [InlineData("Max open files            unlimited            unlimited            files     ", null)]
    [InlineData("Max processes             63704                63704                processes ", null)]
    public void TheSoftLimitIsReadFromProcLimits(string line, long? expected)
    {
        string limits = "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max cpu time              unlimited            unlimited            seconds   \n" + line + "\n";

        Assert.Equal(expected, ConnectionLimits.ParseSoftOpenFileLimit(limits));
    }

    [Fact]
    public void ThisProcessHasASoftOpenFileLimitOnLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        Assert.True(ConnectionLimits.SoftOpenFileLimit() > 0);
    }

    [Fact]
    public void ByDefaultKestrelIsCappedFromTheOpenFileLimitWithAShortKeepAliveAndNoServerHeader()
    {
        var options = KestrelOptions();
        var expected = ConnectionLimits.FromOpenFileLimit(ConnectionLimits.SoftOpenFileLimit());

        Assert.Equal(expected?.Connections, options.Limits.MaxConcurrentConnections);
        Assert.Equal(expected?.Upgraded, options.Limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Limits.KeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Limits.Http2.KeepAlivePingDelay);
        Assert.False(options.AddServerHeader);
    }

    [Fact]
    public void ConfiguredLimitsWinOverTheDefaults()
    {
        var options = KestrelOptions(
            ("Kestrel:Limits:MaxConcurrentConnections", "10"),
            ("Kestrel:Limits:MaxConcurrentUpgradedConnections", "2"),
            ("Kestrel:Limits:KeepAliveTimeout", "00:02:10"),
            ("Kestrel:AddServerHeader", "true"));

        Assert.Equal(10, options.Limits.MaxConcurrentConnections);
        Assert.Equal(2, options.Limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(TimeSpan.FromSeconds(130), options.Limits.KeepAliveTimeout);
        Assert.True(options.AddServerHeader);
    }

    [Fact]
    public void AnEmptyMaxConcurrentConnectionsMeansNoCap()
    {
        var options = KestrelOptions(("Kestrel:Limits:MaxConcurrentConnections", ""));

        Assert.Null(options.Limits.MaxConcurrentConnections);
    }

    private static KestrelServerOptions KestrelOptions(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
            .AddKestrelSettings()
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
    }
}
