namespace TextClassification.Model.Inference;

/// <summary>
/// Why a text got a label's logit, exactly: for EmbeddingBag(mean) + Linear, <c>logit_c = b_c + (1/n) Σ_t W_c · e_t</c>,
/// so <see cref="Bias"/> plus every token's <see cref="TokenContribution.Contribution"/> is <see cref="Logit"/>, the
/// label's logit computed in float64. Tokens are in the order the model sees them, one per id.
/// </summary>
public sealed record Explanation(int LabelIndex, string Label, double Bias, double Logit, IReadOnlyList<TokenContribution> Tokens);
