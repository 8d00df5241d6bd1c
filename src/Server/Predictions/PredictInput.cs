using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Security;

namespace TextClassification.Server.Predictions;

/// <summary>The texts of a valid POST /predict body, whether they came as a batch (<c>texts</c>) or alone (<c>text</c>), and its options.</summary>
internal sealed record PredictInput(IReadOnlyList<string> Texts, bool IsBatch, PredictOptions Options = default) : IJsonBody<PredictInput>, IPermitCost
{
    /// <summary>Rate limits count texts, so that a batch costs what its texts would cost one by one.</summary>
    public int Permits => Texts.Count;

    public static Outcome<PredictInput> Parse(ReadOnlyMemory<byte> json, IServiceProvider services) =>
        PredictRequestParser.Parse(json, services.GetRequiredService<IOptions<ModelOptions>>().Value.MaxTextsPerRequest);
}
