namespace TextClassification.Server.OpenInference;

/// <summary>An output to return: as a tensor, or as its top <see cref="Classification"/> classes; as JSON data or as binary tensor data.</summary>
internal sealed record RequestedOutput(InferOutput Output, int? Classification, bool Binary)
{
    public const string LabelName = "label";
    public const string ProbabilitiesName = "probabilities";
    public const string LogitsName = "logits";

    public static readonly IReadOnlyList<string> Names = [LabelName, ProbabilitiesName, LogitsName];

    public string Name => Names[(int)Output];

    /// <summary>The output named <paramref name="name"/> (case-sensitive, as every V2 string); null for an unknown name.</summary>
    public static InferOutput? Find(string name) => name switch
    {
        LabelName => InferOutput.Label,
        ProbabilitiesName => InferOutput.Probabilities,
        LogitsName => InferOutput.Logits,
        _ => null,
    };
}
