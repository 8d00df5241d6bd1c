using TextClassification.Model.Bundles;
using TextClassification.Model.Modeling;
using TextClassification.Model.Text;
using static TorchSharp.torch;

namespace TextClassification.Model.Inference;

/// <summary>
/// Immutable text → label predictor over a loaded bundle; safe to share between threads. Each call opens its own
/// inference mode and dispose scope (both are per thread in TorchSharp) and never awaits inside them.
/// </summary>
/// <remarks>
/// A text must get the same answer alone as in any batch, but libtorch's matrix multiply rounds differently for
/// different batch sizes (last-bit differences). So many texts go through one EmbeddingBag forward (each bag is
/// reduced on its own), and the small Linear layer and softmax run here per text in a fixed order, in double
/// precision. The logits agree with PyTorch's to about 1e-6. A TorchScript module cannot be split, so it runs one
/// forward per text instead.
/// </remarks>
public sealed class Predictor : IDisposable
{
    private readonly BasicEnglishTokenizer tokenizer = BasicEnglishTokenizer.Instance;
    private readonly TextClassifier? classifier;
    private readonly float[] fcWeight = [];
    private readonly float[] fcBias = [];
    private readonly int classes;
    private readonly int dim;

    public Predictor(ModelBundle bundle)
    {
        Bundle = bundle ?? throw new ArgumentNullException(nameof(bundle));
        classes = bundle.Labels.Count;
        dim = (int)bundle.Config.EmbedDim;
        classifier = bundle.Classifier;
        if (classifier is not null)
        {
            (fcWeight, fcBias) = classifier.CopyLinear();
        }
    }

    public ModelBundle Bundle { get; }

    /// <summary>The bundle's validated <c>config.json</c>.</summary>
    public ModelConfig Config => Bundle.Config;

    public string Architecture => Bundle.Config.Architecture;

    public IReadOnlyList<string> Labels => Bundle.Labels;

    /// <summary>The bundle directory, as a full path.</summary>
    public string Directory => Bundle.Directory;

    public long ParameterCount => Bundle.ParameterCount;

    /// <summary>SHA-256 of the weights file, lowercase hex.</summary>
    public string WeightsSha256 => Bundle.WeightsSha256;

    public static Predictor Load(string directory) => new(ModelBundle.Load(directory));

    /// <summary>The basic_english tokens of <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Tokenize(string text) => tokenizer.Tokenize(text);

    /// <summary>The terms the model sees: the tokens, then their n-grams up to the bundle's N (<see cref="NGrams"/>); one per id of <see cref="Encode"/>.</summary>
    public IReadOnlyList<string> Terms(string text) => Config.NGrams > 1 ? NGrams.Expand(Tokenize(text), Config.NGrams) : Tokenize(text);

    /// <summary>Terms mapped to ids; unknown terms get the <c>&lt;unk&gt;</c> id.</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>();
        Bundle.Vocabulary.Encode(text, tokenizer, ids, Config.NGrams);
        return [.. ids];
    }

    public Prediction Predict(string text) => Predict([text])[0];

    public Prediction[] Predict(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var encoded = new int[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            encoded[i] = Encode(texts[i]);
        }
        return PredictEncoded(encoded);
    }

    /// <summary>One EmbeddingBag forward for all texts; an empty text gives an empty bag, i.e. logits = fc.bias.</summary>
    public Prediction[] PredictEncoded(IReadOnlyList<int[]> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            return [];
        }
        float[] logits = classifier is not null ? BatchedLogits(texts) : ScriptedLogits(texts);
        var result = new Prediction[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            var row = logits.AsSpan(i * classes, classes).ToArray();
            var probabilities = Softmax(row);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (probabilities[c] > probabilities[best])
                {
                    best = c;
                }
            }
            result[i] = new Prediction(best, Labels[best], probabilities[best], probabilities, row);
        }
        return result;
    }

    private float[] BatchedLogits(IReadOnlyList<int[]> texts)
    {
        float[] features;
        using (inference_mode())
        using (NewDisposeScope())
        {
            var (text, offsets) = TextBatch.Collate(texts);
            features = classifier!.Embed(text, offsets).data<float>().ToArray();
        }
        var logits = new float[texts.Count * classes];
        for (int i = 0; i < texts.Count; i++)
        {
            var feature = features.AsSpan(i * dim, dim);
            for (int c = 0; c < classes; c++)
            {
                var weight = fcWeight.AsSpan(c * dim, dim);
                double sum = fcBias[c];
                for (int k = 0; k < dim; k++)
                {
                    sum += (double)weight[k] * feature[k];
                }
                logits[(i * classes) + c] = (float)sum;
            }
        }
        return logits;
    }

    private float[] ScriptedLogits(IReadOnlyList<int[]> texts)
    {
        var logits = new float[texts.Count * classes];
        using (inference_mode())
        {
            for (int i = 0; i < texts.Count; i++)
            {
                using var scope = NewDisposeScope();
                var (text, offsets) = TextBatch.Collate([texts[i]]);
                Bundle.Module.call(text, offsets).data<float>().CopyTo(logits, i * classes);
            }
        }
        return logits;
    }

    private static float[] Softmax(float[] logits)
    {
        double max = logits.Max();
        var exp = new double[logits.Length];
        double total = 0;
        for (int c = 0; c < logits.Length; c++)
        {
            exp[c] = Math.Exp(logits[c] - max);
            total += exp[c];
        }
        var probabilities = new float[logits.Length];
        for (int c = 0; c < logits.Length; c++)
        {
            probabilities[c] = (float)(exp[c] / total);
        }
        return probabilities;
    }

    public void Dispose() => Bundle.Dispose();
}
