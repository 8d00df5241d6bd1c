using static TorchSharp.torch;

namespace TextClassification.Model.Modeling;

/// <summary>Collates texts of ids into EmbeddingBag input: one flat id tensor plus the start offset of each text.</summary>
public static class TextBatch
{
    /// <summary>Tensors are created in the caller's dispose scope.</summary>
    public static (Tensor Text, Tensor Offsets) Collate(IReadOnlyList<int[]> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int total = 0;
        foreach (var ids in texts)
        {
            total += ids.Length;
        }
        var flat = new long[total];
        var offsets = new long[texts.Count];
        int at = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            offsets[i] = at;
            foreach (int id in texts[i])
            {
                flat[at++] = id;
            }
        }
        return (tensor(flat, ScalarType.Int64), tensor(offsets, ScalarType.Int64));
    }
}
