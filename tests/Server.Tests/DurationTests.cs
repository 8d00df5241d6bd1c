using Microsoft.Extensions.Configuration;
using TextClassification.Server.Lifecycle;

namespace TextClassification.Server.Tests;

/// <summary>Durations in settings are read as operators type them.</summary>
public sealed class DurationTests
{
    [Theory]
    [InlineData("5s", 5_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData(" 10S ", 10_000)]
    [InlineData("00:00:05", 5_000)]
    [InlineData("00:00:00.250", 250)]
    [InlineData("0", 0)]
    public void ShortFormsAndTimeSpanStringsAreAccepted(string text, int milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("5")] // TimeSpan would read five days
    [InlineData("five seconds")]
    [InlineData("5 parsecs")]
    [InlineData("-5s")]
    [InlineData("5sec")]
    [InlineData("")]
    public void AnythingElseIsRefused(string text) => Assert.False(Duration.TryParse(text, out _));

    [Fact]
    public void ABadSettingIsReportedByItsKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(ShutdownOptions.DrainDelayKey, "5")]).Build();

        var failure = Assert.Throws<InvalidOperationException>(() => ShutdownOptions.Bind(new ShutdownOptions(), configuration));

        Assert.Equal("Shutdown:DrainDelay must be a duration such as 5s, 500ms, 2m or 00:00:05; got \"5\"", failure.Message);
    }

    [Fact]
    public void AnAbsentSettingKeepsItsDefault()
    {
        var options = new ShutdownOptions();

        ShutdownOptions.Bind(options, new ConfigurationBuilder().Build());

        Assert.Equal(TimeSpan.Zero, options.DrainDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
    }
}
