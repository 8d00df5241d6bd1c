using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Commands;

/// <summary>Writes an <see cref="EvaluationReport"/> as an aligned table or as JSON.</summary>
internal static class EvaluationOutput
{
    public static void WriteJson(TextWriter output, EvaluationReport report) =>
        output.WriteLine(JsonSerializer.Serialize(new JsonObject
        {
            ["count"] = report.Count,
            ["accuracy"] = report.Accuracy,
            ["labels"] = new JsonArray([.. report.Labels.Select(l => (JsonNode)l)]),
            ["precision"] = new JsonArray([.. report.Precision.Select(p => (JsonNode)p)]),
            ["recall"] = new JsonArray([.. report.Recall.Select(r => (JsonNode)r)]),
            ["confusion"] = new JsonArray([.. report.Confusion.Select(row => (JsonNode)new JsonArray([.. row.Select(v => (JsonNode)v)]))]),
        }, CliJson.Indented));

    public static void WriteTable(TextWriter output, EvaluationReport report)
    {
        output.WriteLine($"{report.Count} texts, accuracy {report.Accuracy:P2}");
        int width = Math.Max(10, report.Labels.Max(l => l.Length) + 2);
        output.WriteLine($"{"label".PadRight(width)}{"precision",10}{"recall",10}");
        for (int i = 0; i < report.Labels.Count; i++)
        {
            output.WriteLine($"{report.Labels[i].PadRight(width)}{report.Precision[i],10:P2}{report.Recall[i],10:P2}");
        }
        output.WriteLine("confusion matrix (rows: actual, columns: predicted)");
        output.WriteLine("".PadRight(width) + string.Concat(report.Labels.Select(l => l.PadLeft(width))));
        for (int i = 0; i < report.Labels.Count; i++)
        {
            output.WriteLine(report.Labels[i].PadRight(width) + string.Concat(report.Confusion[i].Select(v => v.ToString(CultureInfo.InvariantCulture).PadLeft(width))));
        }
    }
}
