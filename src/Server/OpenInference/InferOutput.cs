namespace TextClassification.Server.OpenInference;

/// <summary>The model's outputs, in the order the model metadata lists them.</summary>
internal enum InferOutput
{
    /// <summary><c>label</c>: BYTES [N], the most probable label of each text.</summary>
    Label,

    /// <summary><c>probabilities</c>: FP32 [N, C], the softmax of the logits.</summary>
    Probabilities,

    /// <summary><c>logits</c>: FP32 [N, C].</summary>
    Logits,
}
