using System.Text.Json;
using TextClassification.Server.Errors;

namespace TextClassification.Server.Predictions;

/// <summary>
/// POST /predict's optional properties: <c>explain</c> (true: each prediction carries the exact explanation of its
/// label), <c>explain_top</c> (only with explain: keep the k largest absolute contributions) and <c>top_k</c> (only the
/// k most probable labels in <c>probabilities</c>). Counts larger than what there is keep everything.
/// </summary>
internal struct PredictOptions : IRequestOptions<PredictOptions>
{
    public const string ExplainProperty = "explain";
    public const string ExplainTopProperty = "explain_top";
    public const string TopKProperty = "top_k";

    private bool? explain;
    private int? explainTop;
    private int? topK;

    public static string OptionNames => $"\"{ExplainProperty}\", \"{ExplainTopProperty}\", \"{TopKProperty}\"";

    public readonly bool Explain => explain == true;

    public readonly int? ExplainTop => explainTop;

    public readonly int? TopK => topK;

    public bool TryRead(string name, JsonElement value, out Rejection? rejection)
    {
        switch (name)
        {
            case ExplainProperty:
                rejection = OptionValues.ReadBoolean(name, value, ref explain);
                return true;
            case ExplainTopProperty:
                rejection = OptionValues.ReadCount(name, value, ref explainTop);
                return true;
            case TopKProperty:
                rejection = OptionValues.ReadCount(name, value, ref topK);
                return true;
            default:
                rejection = null;
                return false;
        }
    }

    public readonly Rejection? Validate() => explainTop is not null && explain != true
        ? Problems.InvalidRequest($"\"{ExplainTopProperty}\" needs \"{ExplainProperty}\": true; it keeps the k largest contributions of the explanation.")
        : null;
}
