using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace TextClassification.Server.Embeddings;

/// <summary>POST /embed with one text (documentation only: the endpoint parses the body itself).</summary>
[Description("One text, and optionally normalize; no other properties.")]
internal sealed record EmbedTextRequest(
    [property: Description("The text to embed; not empty or whitespace-only."), MinLength(1)] string Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("normalize"), Description("true: scale the vector to unit L2 norm (a zero vector stays zero); default false.")] bool? Normalize = null);

/// <summary>POST /embed with a batch of texts (documentation only: the endpoint parses the body itself).</summary>
[Description("A batch of texts, and optionally normalize; no other properties.")]
internal sealed record EmbedBatchRequest(
    [property: Description("Texts to embed, 1 to Model:MaxTextsPerRequest (see GET / for the limit); each not empty or whitespace-only."), MinLength(1)]
    IReadOnlyList<string> Texts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyName("normalize"), Description("true: scale every vector to unit L2 norm (a zero vector stays zero); default false.")] bool? Normalize = null);

/// <summary>One text's feature vector.</summary>
internal sealed record EmbeddingResult(
    [property: Description("The EmbeddingBag output: the mean of the tokens' embedding rows (unknown tokens as <unk>); zeros for a text with no tokens at all.")]
    float[] Embedding);

/// <summary>The answer to a batch: one vector per text, in request order.</summary>
internal sealed record BatchEmbeddingResult(IReadOnlyList<float[]> Embeddings);
