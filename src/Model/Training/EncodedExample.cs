namespace TextClassification.Model.Training;

/// <summary>A text with its ids and label id, encoded once before training.</summary>
public sealed record EncodedExample(int[] Ids, long Label);
