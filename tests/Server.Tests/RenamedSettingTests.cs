using Microsoft.Extensions.Configuration;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Tests;

public sealed class RenamedSettingTests
{
    [Theory]
    [InlineData(null, null, 256)]
    [InlineData("10", null, 10)]
    [InlineData(null, "20", 20)]
    public void TheOldMaxBatchSizeKeyOverridesTheFileWhenGivenOnTheCommandLine(string? oldKeyOnCommandLine, string? newKeyOnCommandLine, int expected)
    {
        var commandLine = new Dictionary<string, string?>();
        if (oldKeyOnCommandLine is not null)
        {
            commandLine["Model:MaxBatchSize"] = oldKeyOnCommandLine;
        }
        if (newKeyOnCommandLine is not null)
        {
            commandLine["Model:MaxTextsPerRequest"] = newKeyOnCommandLine;
        }

        Assert.Equal(expected, Bind(new() { ["Model:MaxTextsPerRequest"] = "256" }, commandLine).MaxTextsPerRequest);
    }

    [Fact]
    public void TheNewKeyWinsOverTheOldOneFromALowerSource()
    {
        var options = Bind(new() { ["Model:MaxBatchSize"] = "10" }, new() { ["Model:MaxTextsPerRequest"] = "30" });

        Assert.Equal(30, options.MaxTextsPerRequest);
    }

    [Fact]
    public void TheNewKeyWinsWhenBothAreInTheSameSource()
    {
        var options = Bind(new() { ["Model:MaxBatchSize"] = "10", ["Model:MaxTextsPerRequest"] = "30" }, []);

        Assert.Equal(30, options.MaxTextsPerRequest);
    }

    private static ModelOptions Bind(Dictionary<string, string?> file, Dictionary<string, string?> commandLine)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(file).AddInMemoryCollection(commandLine).Build();
        var options = new ModelOptions();
        configuration.GetSection(ModelOptions.SectionName).Bind(options);
        ModelOptions.ApplyRenamedKeys(options, configuration);
        return options;
    }
}
