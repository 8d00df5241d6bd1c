using TextClassification.Server.Security;

namespace TextClassification.Server.OpenInference;

/// <summary>A valid Open Inference infer request: its id, its texts in order, and the outputs to answer with, in order.</summary>
internal sealed record InferRequest(string? Id, IReadOnlyList<string> Texts, IReadOnlyList<RequestedOutput> Outputs) : IPermitCost
{
    /// <summary>Rate limits count texts, as on /predict.</summary>
    public int Permits => Texts.Count;
}
