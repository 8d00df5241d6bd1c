using System.Text.Json;
using TextClassification.Server.Errors;

namespace TextClassification.Server.Predictions;

/// <summary>
/// The optional properties a request accepts beside <c>text</c>/<c>texts</c>, read by <see cref="PredictRequestParser"/>
/// with the same strictness (names case-sensitive, each at most once, no <c>null</c>). A struct, so that a request
/// without options costs nothing more than before.
/// </summary>
internal interface IRequestOptions<TSelf>
    where TSelf : struct, IRequestOptions<TSelf>
{
    /// <summary>The optional property names, quoted, for the message about an unknown property (empty: none).</summary>
    static abstract string OptionNames { get; }

    /// <summary>False when <paramref name="name"/> is not one of these options; otherwise reads it, or says what is wrong in <paramref name="rejection"/>.</summary>
    bool TryRead(string name, JsonElement value, out Rejection? rejection);

    /// <summary>What is wrong between the options once all are read (one that needs another), or null.</summary>
    Rejection? Validate();
}
