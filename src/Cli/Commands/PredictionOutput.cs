using System.Text.Json.Nodes;
using TextClassification.Model.Inference;

namespace TextClassification.Cli.Commands;

/// <summary>Writes predictions as tab-separated lines (label, score, text preview) or as JSON with every intermediate.</summary>
internal static class PredictionOutput
{
    private const int PreviewLength = 60;

    public static void WriteLines(TextWriter output, IReadOnlyList<string> texts, IReadOnlyList<Prediction> predictions)
    {
        for (int i = 0; i < texts.Count; i++)
        {
            string preview = texts[i].Length > PreviewLength ? texts[i][..(PreviewLength - 3)] + "..." : texts[i];
            output.WriteLine($"{predictions[i].Label}\t{predictions[i].Score:F4}\t{preview.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Tokens, terms (tokens and n-grams: one per id), ids, logits and probabilities per text: what tools/pytorch/verify.py compares against PyTorch.</summary>
    public static void WriteJson(TextWriter output, Predictor predictor, IReadOnlyList<string> texts, IReadOnlyList<Prediction> predictions)
    {
        var array = new JsonArray();
        for (int i = 0; i < texts.Count; i++)
        {
            var p = predictions[i];
            var probabilities = new JsonObject();
            for (int c = 0; c < predictor.Labels.Count; c++)
            {
                probabilities[predictor.Labels[c]] = p.Probabilities[c];
            }
            array.Add(new JsonObject
            {
                ["text"] = texts[i],
                ["tokens"] = new JsonArray([.. predictor.Tokenize(texts[i]).Select(t => (JsonNode)t)]),
                ["terms"] = new JsonArray([.. predictor.Terms(texts[i]).Select(t => (JsonNode)t)]),
                ["ids"] = new JsonArray([.. predictor.Encode(texts[i]).Select(id => (JsonNode)id)]),
                ["logits"] = new JsonArray([.. p.Logits.Select(l => (JsonNode)l)]),
                ["probabilities"] = probabilities,
                ["label"] = p.Label,
            });
        }
        output.WriteLine(array.ToJsonString(CliJson.Indented));
    }
}
