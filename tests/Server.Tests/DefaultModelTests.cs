using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>The shipped model at models/default, when the repository has it; these pass without checking anything otherwise.</summary>
public sealed class DefaultModelTests
{
    [Fact]
    public async Task TheShippedDefaultModelLoadsAndPredicts()
    {
        if (!Directory.Exists(RepoPaths.DefaultModel))
        {
            return;
        }
        string[] labels = [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.DefaultModel, "config.json"))).RootElement
            .GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)];
        await using var factory = new DefaultModelFactory(RepoPaths.DefaultModel);

        var model = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/model", UriKind.Relative)));
        var answer = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync("""{"texts":["Hi Sam, see you at the meeting tomorrow.","WIN A FREE PRIZE!!! Click here now to claim your cash"]}"""));

        Assert.Equal(labels, model.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.All(answer.GetProperty("predictions").EnumerateArray(), p => Assert.Contains(p.GetProperty("label").GetString(), labels));
    }

    [Fact]
    public async Task TheDefaultRelativeModelPathResolvesBesideTheBinary()
    {
        if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "models", "default", "config.json")))
        {
            return;
        }
        await using var factory = new DefaultModelFactory(modelPath: null);

        var model = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/model", UriKind.Relative)));

        Assert.EndsWith(Path.Combine("models", "default"), model.GetProperty("directory").GetString(), StringComparison.Ordinal);
    }

    private sealed class DefaultModelFactory(string? modelPath) : ServerFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings
        {
            get
            {
                var settings = new Dictionary<string, string?>(base.Settings);
                if (modelPath is null)
                {
                    settings.Remove("Model:Path");
                }
                else
                {
                    settings["Model:Path"] = modelPath;
                }
                return settings;
            }
        }
    }
}
