using System.Text.Json;
using System.Text.Json.Nodes;
using TextClassification.Model.Bundles;
using TextClassification.Model.Data;
using TextClassification.Model.Training;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// A two-label bundle (ham, spam) trained once per test run on a handful of sentences and saved to a temporary
/// directory, so the tests depend on no model file in the repository.
/// </summary>
internal static class TinyBundle
{
    public static readonly IReadOnlyList<string> Labels = ["ham", "spam"];

    private static readonly Lazy<string> Saved = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => Saved.Value;

    private static string Create()
    {
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "textclf-server-tests-bundle-" + Guid.NewGuid().ToString("N")[..12]);
        LabeledText[] examples =
        [
            new("win a free prize now, click here", "spam"),
            new("cheap pills, free offer, click now", "spam"),
            new("you won money! claim your free prize", "spam"),
            new("urgent: verify your account password now", "spam"),
            new("lunch meeting tomorrow about the report", "ham"),
            new("please review the project report before the meeting", "ham"),
            new("are we still on for dinner with the team?", "ham"),
            new("the quarterly numbers are attached for review", "ham"),
        ];
        var trainer = new Trainer(new TrainingOptions { Epochs = 30, EmbedDim = 8, MinFreq = 1, BatchSize = 4, LearningRate = 2.0, LrStepEpochs = 0 });
        var result = trainer.Train(examples, examples);
        using (result.Model)
        {
            ModelBundle.Save(directory, result.Model, result.Vocabulary, result.Labels, new JsonObject { ["trainer"] = "Server.Tests", ["examples"] = examples.Length });
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        };
        return directory;
    }

    /// <summary>A copy of the bundle in <paramref name="into"/> that a test may corrupt.</summary>
    public static string CopyTo(string into) => Copy(Path, into);

    /// <summary>A copy of the (flat) bundle directory <paramref name="from"/> in <paramref name="into"/>.</summary>
    public static string Copy(string from, string into)
    {
        Directory.CreateDirectory(into);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, System.IO.Path.Combine(into, System.IO.Path.GetFileName(file)));
        }
        return into;
    }

    /// <summary>A copy with other label names, so that an answer shows which model made it.</summary>
    public static string RelabelledCopy(string into, IReadOnlyList<string> labels)
    {
        string bundle = CopyTo(into);
        string configPath = System.IO.Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["labels"] = new JsonArray([.. labels.Select(l => JsonValue.Create(l))]);
        File.WriteAllText(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return bundle;
    }

    /// <summary>A copy whose weights file is cut short, as a half-finished copy leaves it.</summary>
    public static string TruncatedCopy(string into)
    {
        string bundle = CopyTo(into);
        string weights = System.IO.Path.Combine(bundle, "model_weights.pth");
        using (var stream = new FileStream(weights, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }
        return bundle;
    }
}
