using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Predictions;

/// <summary>The texts of a valid POST /predict body, and whether they came as a batch (<c>texts</c>) or alone (<c>text</c>).</summary>
internal sealed record PredictInput(IReadOnlyList<string> Texts, bool IsBatch) : IJsonBody<PredictInput>
{
    public static Outcome<PredictInput> Parse(ReadOnlyMemory<byte> json, IServiceProvider services) =>
        PredictRequestParser.Parse(json, services.GetRequiredService<IOptions<ModelOptions>>().Value.MaxTextsPerRequest);
}
