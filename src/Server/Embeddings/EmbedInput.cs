using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Predictions;
using TextClassification.Server.Security;

namespace TextClassification.Server.Embeddings;

/// <summary>The texts of a valid POST /embed body, whether they came as a batch (<c>texts</c>) or alone (<c>text</c>), and its options.</summary>
internal sealed record EmbedInput(IReadOnlyList<string> Texts, bool IsBatch, EmbedOptions Options) : IJsonBody<EmbedInput>, IPermitCost
{
    /// <summary>Rate limits count texts, as for POST /predict.</summary>
    public int Permits => Texts.Count;

    /// <summary>Parsed by POST /predict's parser, with the same limits and strictness; only the options differ.</summary>
    public static Outcome<EmbedInput> Parse(ReadOnlyMemory<byte> json, IServiceProvider services)
    {
        var parsed = PredictRequestParser.Parse<EmbedOptions>(json, services.GetRequiredService<IOptions<ModelOptions>>().Value.MaxTextsPerRequest);
        return parsed.IsAccepted ? new EmbedInput(parsed.Value.Texts, parsed.Value.IsBatch, parsed.Value.Options) : parsed.Rejection;
    }
}
