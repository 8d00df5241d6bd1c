namespace TextClassification.Model.Inference;

/// <summary>One text's answer: the arg-max label (first maximum on a tie), its probability, all probabilities and logits.</summary>
public sealed record Prediction(int LabelIndex, string Label, float Score, float[] Probabilities, float[] Logits);
