using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>The shipped model at models/default: it is part of the repository, so a missing one is a failure.</summary>
public sealed class DefaultModelTests
{
    /// <summary>The README's example text and the answer it shows.</summary>
    private const string ReadmeSpam = "Congratulations! You won a $1,000 gift card. Click here to claim it.";
    private const float ReadmeSpamScore = 1f;

    [Fact]
    public async Task TheShippedDefaultModelTellsHamFromSpamAsTheReadmeShows()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.DefaultModel, "config.json")), $"the shipped model is missing: {RepoPaths.DefaultModel}");
        await using var factory = new DefaultModelFactory(RepoPaths.DefaultModel);

        var model = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/model", UriKind.Relative)));
        var body = JsonSerializer.Serialize(new { texts = new[] { "Hi Sam, see you at the meeting tomorrow.", "WIN A FREE PRIZE!!! Click here now to claim your cash", ReadmeSpam } });
        var predictions = (await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(body))).GetProperty("predictions");

        Assert.Equal(["ham", "spam"], model.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["ham", "spam", "spam"], predictions.EnumerateArray().Select(p => p.GetProperty("label").GetString()));
        Assert.Equal(ReadmeSpamScore, predictions[2].GetProperty("score").GetSingle(), 1e-6f);
    }

    [Fact]
    public async Task TheDefaultRelativeModelPathResolvesBesideTheBinary()
    {
        // Server.csproj copies models/default into the output; without it this would test nothing.
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "models", "default", "config.json")),
            $"models/default was not copied beside the binary in {AppContext.BaseDirectory}");
        await using var factory = new DefaultModelFactory(modelPath: null);

        var model = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/model", UriKind.Relative)));

        Assert.Equal("default", model.GetProperty("bundle").GetString());
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
