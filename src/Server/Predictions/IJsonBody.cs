using TextClassification.Server.Errors;

namespace TextClassification.Server.Predictions;

/// <summary>A request type parsed from a JSON body by <see cref="JsonBody{T}"/>.</summary>
internal interface IJsonBody<TSelf>
    where TSelf : class, IJsonBody<TSelf>
{
    /// <summary>The request, or the 400 that says what is wrong with <paramref name="json"/> (UTF-8, at most the body limit).</summary>
    static abstract Outcome<TSelf> Parse(ReadOnlyMemory<byte> json, IServiceProvider services);
}
