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
    public static string CopyTo(string into)
    {
        Directory.CreateDirectory(into);
        foreach (string file in Directory.GetFiles(Path))
        {
            File.Copy(file, System.IO.Path.Combine(into, System.IO.Path.GetFileName(file)));
        }
        return into;
    }
}
