using TextClassification.Model.Bundles;
using TextClassification.Model.Modeling;
using static TorchSharp.torch;

namespace TextClassification.Model.Inference;

/// <summary>
/// Feature vectors and explanations need the EmbeddingBag and Linear layers apart, which a TorchScript module does not
/// offer. When the module has the standard parameters (<c>embedding.weight</c>, <c>fc.weight</c>, <c>fc.bias</c>) they
/// are copied into a <see cref="TextClassifier"/>, and a probe forward proves that the module really is
/// <c>fc(EmbeddingBag(mean))</c> over them; otherwise the reason is returned instead.
/// </summary>
internal static class ScriptedLayers
{
    private const double ProbeTolerance = 1e-4;

    public static TextClassifier? TryCopy(ModelBundle bundle, out string? reason)
    {
        var module = (nn.Module)bundle.Module;
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var config = bundle.Config;
        var wanted = new (string Name, long[] Shape)[]
        {
            ("embedding.weight", [config.VocabSize, config.EmbedDim]),
            ("fc.weight", [config.NumClass, config.EmbedDim]),
            ("fc.bias", [config.NumClass]),
        };
        foreach (var (name, shape) in wanted)
        {
            if (!parameters.TryGetValue(name, out var parameter))
            {
                reason = $"the TorchScript module has no parameter \"{name}\"; feature vectors and explanations need the "
                    + "standard EmbeddingBag + Linear parameters embedding.weight, fc.weight and fc.bias";
                return null;
            }
            if (!parameter.shape.SequenceEqual(shape) || parameter.dtype != ScalarType.Float32)
            {
                reason = $"the TorchScript module's \"{name}\" is {parameter.dtype} [{string.Join(", ", parameter.shape)}], "
                    + $"not float32 [{string.Join(", ", shape)}] as config.json implies";
                return null;
            }
        }
        var copy = new TextClassifier(config.VocabSize, config.EmbedDim, config.NumClass);
        using (no_grad())
        {
            var target = copy.state_dict();
            foreach (var (name, _) in wanted)
            {
                target[name].copy_(parameters[name]);
            }
        }
        copy.eval();
        double difference = ProbeDifference(bundle, copy);
        if (!(difference <= ProbeTolerance))
        {
            copy.Dispose();
            reason = "the TorchScript module's forward(text, offsets) is not fc(EmbeddingBag(mean)(text, offsets)) over its "
                + $"embedding and fc parameters (probe logits differ by {difference:G3})";
            return null;
        }
        reason = null;
        return copy;
    }

    /// <summary>The largest logit difference between the module and the copy on a few bags (several ids, a repeated id, the last id, none).</summary>
    private static double ProbeDifference(ModelBundle bundle, TextClassifier copy)
    {
        int last = (int)bundle.Config.VocabSize - 1;
        int[][] probes = [[.. Enumerable.Range(0, Math.Min(7, last + 1))], [last, last, 0], [last], []];
        double worst = 0;
        using (inference_mode())
        {
            foreach (var probe in probes)
            {
                using var scope = NewDisposeScope();
                var (text, offsets) = TextBatch.Collate([probe]);
                var expected = bundle.Module.call(text, offsets).data<float>().ToArray();
                var actual = copy.forward(text, offsets).data<float>().ToArray();
                for (int c = 0; c < expected.Length; c++)
                {
                    worst = Math.Max(worst, Math.Abs(expected[c] - actual[c]) / Math.Max(1, Math.Abs(expected[c])));
                }
                if (expected.Length != actual.Length)
                {
                    return double.PositiveInfinity;
                }
            }
        }
        return worst;
    }
}
