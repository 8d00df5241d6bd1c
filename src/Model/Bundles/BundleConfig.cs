using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TextClassification.Model.Bundles;

/// <summary>
/// <c>config.json</c> of a model bundle as written and read, the contract shared with the Python side (tools/pytorch).
/// Every field may be absent in a file; <see cref="BundleConfigFile.Read"/> turns it into a validated <see cref="ModelConfig"/>.
/// </summary>
internal sealed record BundleConfig
{
    public const string FileName = "config.json";

    public string? Architecture { get; init; }

    public long? VocabSize { get; init; }

    public long? EmbedDim { get; init; }

    public long? NumClass { get; init; }

    public IReadOnlyList<string>? Labels { get; init; }

    public string? Tokenizer { get; init; }

    /// <summary>torchtext's <c>ngrams_iterator</c> N: the terms are the tokens and their n-grams up to N. Absent means 1.</summary>
    [JsonPropertyName("ngrams")]
    public long? NGrams { get; init; }

    public string? Vocab { get; init; }

    public string? Weights { get; init; }

    /// <summary>The bundle's own version, a string or a whole number; servers that name model versions (KServe V2) use it.</summary>
    public JsonElement? Version { get; init; }

    /// <summary>Where the model came from: trainer, hyperparameters, data hash, metrics, creation time. Free-form.</summary>
    public JsonObject? Provenance { get; init; }
}
