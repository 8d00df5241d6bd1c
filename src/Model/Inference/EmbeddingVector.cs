namespace TextClassification.Model.Inference;

/// <summary>Operations on a feature vector (<see cref="Predictor.EmbedEncoded"/>) that callers ask for.</summary>
public static class EmbeddingVector
{
    /// <summary>Scales <paramref name="vector"/> in place to unit L2 norm (computed in float64); a zero vector stays zero.</summary>
    public static float[] Normalize(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        double squares = 0;
        foreach (float x in vector)
        {
            squares += (double)x * x;
        }
        if (squares == 0)
        {
            return vector;
        }
        double norm = Math.Sqrt(squares);
        for (int k = 0; k < vector.Length; k++)
        {
            vector[k] = (float)(vector[k] / norm);
        }
        return vector;
    }
}
