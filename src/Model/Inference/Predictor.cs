using TextClassification.Model.Bundles;
using TextClassification.Model.Modeling;
using TextClassification.Model.Text;
using static TorchSharp.torch;

namespace TextClassification.Model.Inference;

/// <summary>
/// Immutable text → label predictor over a loaded bundle; safe to share between threads. Each call opens its own
/// inference mode and dispose scope (both are per thread in TorchSharp) and never awaits inside them.
/// </summary>
public sealed class Predictor : IDisposable
{
    private readonly BasicEnglishTokenizer tokenizer = BasicEnglishTokenizer.Instance;

    public Predictor(ModelBundle bundle)
    {
        Bundle = bundle ?? throw new ArgumentNullException(nameof(bundle));
    }

    public ModelBundle Bundle { get; }

    public IReadOnlyList<string> Labels => Bundle.Labels;

    public static Predictor Load(string directory) => new(ModelBundle.Load(directory));

    public IReadOnlyList<string> Tokenize(string text) => tokenizer.Tokenize(text);

    /// <summary>Tokens mapped to ids; unknown tokens get the <c>&lt;unk&gt;</c> id.</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>();
        Bundle.Vocabulary.Encode(text, tokenizer, ids);
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
        float[] logits;
        float[] probabilities;
        using (inference_mode())
        using (NewDisposeScope())
        {
            var (text, offsets) = TextBatch.Collate(texts);
            var output = Bundle.Module.call(text, offsets);
            logits = output.data<float>().ToArray();
            probabilities = output.softmax(1).data<float>().ToArray();
        }
        int classes = Labels.Count;
        var result = new Prediction[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            var p = probabilities.AsSpan(i * classes, classes).ToArray();
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (p[c] > p[best])
                {
                    best = c;
                }
            }
            result[i] = new Prediction(best, Labels[best], p[best], p, logits.AsSpan(i * classes, classes).ToArray());
        }
        return result;
    }

    public void Dispose() => Bundle.Dispose();
}
