using System.Text.Json;
using System.Text.Json.Serialization;
using TextClassification.Model.Bundles;

namespace TextClassification.Model;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, AllowTrailingCommas = false, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(BundleConfig))]
internal sealed partial class ModelJsonContext : JsonSerializerContext
{
    /// <summary>Bundle files are read by people and Python, not browsers: keep '&lt;unk&gt;' and non-ASCII readable.</summary>
    public static JsonWriterOptions FileWriterOptions(bool indented) => new()
    {
        Indented = indented,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
