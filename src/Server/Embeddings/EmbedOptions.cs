using System.Text.Json;
using TextClassification.Server.Errors;
using TextClassification.Server.Predictions;

namespace TextClassification.Server.Embeddings;

/// <summary>POST /embed's optional property: <c>normalize</c> (true: scale each vector to unit L2 norm; a zero vector stays zero).</summary>
internal struct EmbedOptions : IRequestOptions<EmbedOptions>
{
    public const string NormalizeProperty = "normalize";

    private bool? normalize;

    public static string OptionNames => $"\"{NormalizeProperty}\"";

    public readonly bool Normalize => normalize == true;

    public bool TryRead(string name, JsonElement value, out Rejection? rejection)
    {
        if (name != NormalizeProperty)
        {
            rejection = null;
            return false;
        }
        rejection = OptionValues.ReadBoolean(name, value, ref normalize);
        return true;
    }

    public readonly Rejection? Validate() => null;
}
