using System.Runtime.CompilerServices;
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
/// Feature vectors (<see cref="EmbedEncoded"/>) and exact explanations (<see cref="Explain"/>) need the two layers
/// apart: a state_dict bundle has them; a TorchScript bundle has them when its module exposes the standard parameters
/// (see <see cref="ScriptedLayers"/>), else <see cref="FeaturesUnavailableReason"/> says why not.
/// </remarks>
public sealed class Predictor : IDisposable
{
    private readonly BasicEnglishTokenizer tokenizer = BasicEnglishTokenizer.Instance;
    private readonly TextClassifier? classifier;
    private readonly TextClassifier? layers; // the classifier, or a TorchScript module's layers copied apart
    private readonly TextClassifier? scriptedCopy;
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
        string? reason = null;
        if (classifier is null)
        {
            scriptedCopy = ScriptedLayers.TryCopy(bundle, out reason);
        }
        layers = classifier ?? scriptedCopy;
        FeaturesUnavailableReason = reason;
        if (layers is not null)
        {
            (fcWeight, fcBias) = layers.CopyLinear();
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

    /// <summary>Null when feature vectors and explanations are available; otherwise why not (a TorchScript module without the standard layers).</summary>
    public string? FeaturesUnavailableReason { get; }

    /// <summary>The length of a feature vector (the EmbeddingBag's dimension).</summary>
    public int EmbeddingDimension => dim;

    public static Predictor Load(string directory) => new(ModelBundle.Load(directory));

    /// <summary>The basic_english tokens of <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Tokenize(string text) => tokenizer.Tokenize(text);

    /// <summary>
    /// The terms the model sees: the tokens, then their n-grams up to the bundle's N (<see cref="NGrams"/>); one per id
    /// of <see cref="Encode"/>, in that order. Everything that shows terms to a user (explanations) takes them from here
    /// and nowhere else.
    /// </summary>
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
            result[i] = ToPrediction(logits.AsSpan(i * classes, classes).ToArray());
        }
        return result;
    }

    private Prediction ToPrediction(float[] row)
    {
        var probabilities = Softmax(row);
        int best = 0;
        for (int c = 1; c < classes; c++)
        {
            if (probabilities[c] > probabilities[best])
            {
                best = c;
            }
        }
        return new Prediction(best, Labels[best], probabilities[best], probabilities, row);
    }

    /// <summary>
    /// The EmbeddingBag output for each text (one forward for all): the mean of its terms' embedding rows, summed in
    /// float32 in term order as libtorch does; a text with no terms at all gives zeros.
    /// </summary>
    /// <exception cref="NotSupportedException">A TorchScript bundle without the standard layers (<see cref="FeaturesUnavailableReason"/>).</exception>
    public float[][] EmbedEncoded(IReadOnlyList<int[]> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var features = Features(RequireLayers(), texts);
        var result = new float[texts.Count][];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = features.AsSpan(i * dim, dim).ToArray();
        }
        return result;
    }

    /// <summary>
    /// One EmbeddingBag forward for a batch that mixes predictions and feature vectors: text i gets a prediction when
    /// <paramref name="classify"/>[i], else its feature vector. Predictions equal <see cref="PredictEncoded"/>'s.
    /// </summary>
    /// <exception cref="NotSupportedException">A feature vector asked of a TorchScript bundle without the standard layers.</exception>
    public BatchOutput RunEncoded(IReadOnlyList<int[]> texts, IReadOnlyList<bool> classify)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(classify);
        if (classify.Count != texts.Count)
        {
            throw new ArgumentException($"{classify.Count} flags for {texts.Count} texts", nameof(classify));
        }
        var predictions = new Prediction?[texts.Count];
        var embeddings = new float[]?[texts.Count];
        var features = Features(RequireLayers(), texts);
        float[]? scripted = classifier is null ? ScriptedLogits(texts, classify) : null;
        for (int i = 0; i < texts.Count; i++)
        {
            if (!classify[i])
            {
                embeddings[i] = features.AsSpan(i * dim, dim).ToArray();
                continue;
            }
            var row = new float[classes];
            if (scripted is not null)
            {
                scripted.AsSpan(i * classes, classes).CopyTo(row);
            }
            else
            {
                Linear(features.AsSpan(i * dim, dim), row);
            }
            predictions[i] = ToPrediction(row);
        }
        return new BatchOutput(predictions, embeddings);
    }

    /// <summary>
    /// The exact explanation of label <paramref name="labelIndex"/>'s logit for a text and its ids
    /// (<see cref="Encode"/>): each term's contribution <c>(1/n) W_c · e_t</c> and the bias, in float64, so that their
    /// sum is the logit computed in float64.
    /// </summary>
    /// <exception cref="NotSupportedException">A TorchScript bundle without the standard layers (<see cref="FeaturesUnavailableReason"/>).</exception>
    public Explanation Explain(string text, int[] ids, int labelIndex)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(labelIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(labelIndex, classes);
        var model = RequireLayers();
        var terms = Terms(text);
        if (terms.Count != ids.Length)
        {
            throw new InvalidOperationException($"Terms gave {terms.Count} terms but the text has {ids.Length} ids; they must agree one to one");
        }
        float[] rows = ids.Length == 0 ? [] : EmbeddingRows(model, ids);
        var weight = fcWeight.AsSpan(labelIndex * dim, dim);
        double bias = fcBias[labelIndex];
        double logit = bias;
        int unknownId = Bundle.Vocabulary.DefaultIndex;
        var tokens = new TokenContribution[ids.Length];
        for (int t = 0; t < ids.Length; t++)
        {
            var row = rows.AsSpan(t * dim, dim);
            double dot = 0;
            for (int k = 0; k < dim; k++)
            {
                dot += (double)weight[k] * row[k];
            }
            double contribution = dot / ids.Length;
            logit += contribution;
            tokens[t] = new TokenContribution(terms[t], ids[t], contribution, ids[t] == unknownId);
        }
        return new Explanation(labelIndex, Labels[labelIndex], bias, logit, tokens);
    }

    private static float[] EmbeddingRows(TextClassifier model, int[] ids)
    {
        using (inference_mode())
        using (NewDisposeScope())
        {
            return model.EmbeddingRows(tensor(Array.ConvertAll(ids, id => (long)id), ScalarType.Int64)).data<float>().ToArray();
        }
    }

    private TextClassifier RequireLayers() =>
        layers ?? throw new NotSupportedException($"This model cannot give feature vectors or explanations: {FeaturesUnavailableReason}.");

    private static float[] Features(TextClassifier model, IReadOnlyList<int[]> texts)
    {
        using (inference_mode())
        using (NewDisposeScope())
        {
            var (text, offsets) = TextBatch.Collate(texts);
            return model.Embed(text, offsets).data<float>().ToArray();
        }
    }

    private float[] BatchedLogits(IReadOnlyList<int[]> texts)
    {
        float[] features = Features(classifier!, texts);
        var logits = new float[texts.Count * classes];
        for (int i = 0; i < texts.Count; i++)
        {
            Linear(features.AsSpan(i * dim, dim), logits.AsSpan(i * classes, classes));
        }
        return logits;
    }

    /// <summary>The Linear layer for one feature vector, accumulated in float64 in a fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the per-text loop of the /predict hot path, as before it was shared
    private void Linear(ReadOnlySpan<float> feature, Span<float> logits)
    {
        for (int c = 0; c < classes; c++)
        {
            var weight = fcWeight.AsSpan(c * dim, dim);
            double sum = fcBias[c];
            for (int k = 0; k < dim; k++)
            {
                sum += (double)weight[k] * feature[k];
            }
            logits[c] = (float)sum;
        }
    }

    private float[] ScriptedLogits(IReadOnlyList<int[]> texts, IReadOnlyList<bool>? only = null)
    {
        var logits = new float[texts.Count * classes];
        using (inference_mode())
        {
            for (int i = 0; i < texts.Count; i++)
            {
                if (only is not null && !only[i])
                {
                    continue;
                }
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

    public void Dispose()
    {
        scriptedCopy?.Dispose();
        Bundle.Dispose();
    }
}
