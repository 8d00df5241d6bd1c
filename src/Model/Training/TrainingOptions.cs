namespace TextClassification.Model.Training;

/// <summary>Hyperparameters and run settings. The defaults converge on the shipped SpamAssassin data.</summary>
public sealed record TrainingOptions
{
    /// <summary>The torchtext tutorial's SGD learning rate; the notes' 1e-3 is accepted but learns slowly with plain SGD.</summary>
    public double LearningRate { get; init; } = 5.0;

    public int BatchSize { get; init; } = 64;

    public int Epochs { get; init; } = 15;

    public int EmbedDim { get; init; } = 32;

    public int MinFreq { get; init; } = 3;

    /// <summary>torchtext's <c>ngrams_iterator</c> N: the vocabulary and every text use the tokens and their n-grams up to N (1: tokens only).</summary>
    public int NGrams { get; init; } = 1;

    /// <summary>Upper bound on the vocabulary size including <c>&lt;unk&gt;</c> (torchtext's max_tokens); null for none.</summary>
    public int? MaxTokens { get; init; }

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>StepLR: multiply the learning rate by <see cref="LrGamma"/> every <see cref="LrStepEpochs"/> epochs (0 = constant).</summary>
    public int LrStepEpochs { get; init; } = 1;

    public double LrGamma { get; init; } = 0.9;

    /// <summary>Gradient clipping by global L2 norm (<c>clip_grad_norm_</c>); 0 turns it off.</summary>
    public double ClipGradNorm { get; init; } = 0.1;

    /// <summary>Gradient accumulation: zero_grad and step every N batches, each loss scaled by 1/N.</summary>
    public int AccumulationSteps { get; init; } = 1;

    public int Seed { get; init; } = 42;

    /// <summary>Torch intra-op threads; 1 keeps results deterministic and is fastest for this small model.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException(message);
            }
        }
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"learning rate must be a positive number (got {LearningRate})");
        Require(BatchSize >= 1, $"batch size must be at least 1 (got {BatchSize})");
        Require(Epochs >= 1, $"epochs must be at least 1 (got {Epochs})");
        Require(EmbedDim >= 1, $"embed dim must be at least 1 (got {EmbedDim})");
        Require(MinFreq >= 1, $"min freq must be at least 1 (got {MinFreq})");
        string? ngramsProblem = Text.NGrams.Problem(NGrams);
        Require(ngramsProblem is null, $"ngrams {ngramsProblem}");
        Require(MaxTokens is null or >= 2, $"max tokens must be at least 2 (got {MaxTokens})");
        Require(LrStepEpochs >= 0, $"lr step must be 0 (constant) or a number of epochs (got {LrStepEpochs})");
        Require(LrGamma > 0 && LrGamma <= 1, $"lr gamma must be in (0, 1] (got {LrGamma})");
        Require(ClipGradNorm >= 0 && double.IsFinite(ClipGradNorm), $"clip must be 0 (off) or positive (got {ClipGradNorm})");
        Require(AccumulationSteps >= 1, $"accumulation steps must be at least 1 (got {AccumulationSteps})");
        Require(Threads >= 1, $"threads must be at least 1 (got {Threads})");
    }
}
