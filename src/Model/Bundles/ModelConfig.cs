using System.Text.Json.Nodes;

namespace TextClassification.Model.Bundles;

/// <summary>
/// A bundle's <c>config.json</c> after validation: every field is present, the sizes are positive, the labels are
/// <see cref="NumClass"/> distinct non-empty strings, and the architecture and tokenizer are supported.
/// </summary>
/// <remarks>Only loading a bundle (<see cref="ModelBundle.Load"/>) creates one, so holding one means the checks passed.</remarks>
public sealed record ModelConfig
{
    internal ModelConfig(string architecture, long vocabSize, long embedDim, long numClass, IReadOnlyList<string> labels,
        string tokenizer, int ngrams, string vocab, string weights, JsonObject? provenance, string? version = null)
    {
        Architecture = architecture;
        VocabSize = vocabSize;
        EmbedDim = embedDim;
        NumClass = numClass;
        Labels = labels;
        Tokenizer = tokenizer;
        NGrams = ngrams;
        Vocab = vocab;
        Weights = weights;
        Provenance = provenance;
        Version = version;
    }

    /// <summary><c>text_classification</c> (a state_dict) or <c>torchscript</c>.</summary>
    public string Architecture { get; }

    public long VocabSize { get; }

    public long EmbedDim { get; }

    public long NumClass { get; }

    public IReadOnlyList<string> Labels { get; }

    public string Tokenizer { get; }

    /// <summary>torchtext's <c>ngrams_iterator</c> N (1 when config.json has no <c>"ngrams"</c>): the model sees the tokens and their n-grams up to N.</summary>
    public int NGrams { get; }

    /// <summary>The vocabulary file, relative to the bundle directory.</summary>
    public string Vocab { get; }

    /// <summary>The weights file, relative to the bundle directory.</summary>
    public string Weights { get; }

    /// <summary>Where the model came from: trainer, hyperparameters, data hash, metrics, creation time. Free-form.</summary>
    public JsonObject? Provenance { get; }

    /// <summary>The bundle's version from <c>config.json</c> (1 to 64 of <c>A-Z a-z 0-9 . _ -</c>, starting with a letter or digit); null when it names none.</summary>
    public string? Version { get; }
}
