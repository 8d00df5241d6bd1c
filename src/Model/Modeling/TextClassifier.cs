using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TextClassification.Model.Modeling;

/// <summary>
/// The torchtext tutorial's TextClassificationModel: <c>EmbeddingBag(vocab, dim, mode="mean")</c> then <c>Linear(dim, classes)</c>.
/// Field names are the state_dict keys: <c>embedding.weight</c>, <c>fc.weight</c>, <c>fc.bias</c>.
/// </summary>
public sealed class TextClassifier : Module<Tensor, Tensor, Tensor>
{
    public const string Architecture = "text_classification";
    public static readonly IReadOnlyList<string> StateDictKeys = ["embedding.weight", "fc.weight", "fc.bias"];

    private const double InitRange = 0.5;

#pragma warning disable IDE1006, CA1051 // names are the PyTorch state_dict keys
    private readonly EmbeddingBag embedding;
    private readonly Linear fc;
#pragma warning restore IDE1006, CA1051

    /// <param name="generator">Random source for the initial weights; null uses torch's global generator
    /// (<c>manual_seed</c>), which other threads may draw from concurrently.</param>
    public TextClassifier(long vocabSize, long embedDim, long numClass, Generator? generator = null) : base(nameof(TextClassifier))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(embedDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClass, 1);
        VocabSize = vocabSize;
        EmbedDim = embedDim;
        NumClass = numClass;
        embedding = EmbeddingBag(vocabSize, embedDim, mode: EmbeddingBagMode.Mean);
        fc = Linear(embedDim, numClass);
        InitWeights(generator);
        RegisterComponents();
    }

    public long VocabSize { get; }

    public long EmbedDim { get; }

    public long NumClass { get; }

    /// <summary>Logits for many texts given as one flat id tensor plus the start offset of each text (no padding).</summary>
    public override Tensor forward(Tensor text, Tensor offsets) => fc.forward(embedding.forward(text, offsets, null));

    /// <summary>The EmbeddingBag stage alone: one mean feature vector per text (rows are independent of each other).</summary>
    public Tensor Embed(Tensor text, Tensor offsets) => embedding.forward(text, offsets, null);

    /// <summary>The EmbeddingBag's weight rows for <paramref name="ids"/> ([ids, dim]), in the caller's dispose scope.</summary>
    public Tensor EmbeddingRows(Tensor ids) => embedding.weight!.index_select(0, ids);

    /// <summary>A copy of the Linear layer's weight (row-major, [classes, dim]) and bias.</summary>
    public (float[] Weight, float[] Bias) CopyLinear()
    {
        using var noGrad = torch.no_grad();
        return (fc.weight.contiguous().data<float>().ToArray(), fc.bias!.data<float>().ToArray());
    }

    private void InitWeights(Generator? generator)
    {
        using var noGrad = torch.no_grad();
        embedding.weight!.uniform_(-InitRange, InitRange, generator);
        fc.weight.uniform_(-InitRange, InitRange, generator);
        fc.bias!.zero_();
    }
}
