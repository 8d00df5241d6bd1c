namespace TextClassification.Model.Inference;

/// <summary>
/// One term's share of a label's logit: <c>(1/n) W_c · e_t</c> in float64, where n is the number of terms. A term
/// missing from the vocabulary is in the bag as <c>&lt;unk&gt;</c> (<paramref name="Unknown"/>) and contributes that row.
/// </summary>
public readonly record struct TokenContribution(string Token, int Id, double Contribution, bool Unknown);
