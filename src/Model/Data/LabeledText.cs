namespace TextClassification.Model.Data;

/// <summary>One training or evaluation record. <paramref name="Line"/> is where it starts in its file (1-based).</summary>
public sealed record LabeledText(string Text, string Label, int Line = 0);
