using System.Collections;
using TextClassification.Model.Modeling;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TextClassification.Model.Bundles;

/// <summary>
/// Builds a <see cref="TextClassifier"/> from a bundle's state_dict (PyTorch's own format or <c>.safetensors</c>): the
/// keys must be exactly the module's, the shapes those of the config, the dtypes floating point; then
/// <c>load_state_dict(strict: true)</c> and <c>eval()</c>.
/// </summary>
internal static class StateDictLoader
{
    public static TextClassifier Load(string path, ModelConfig config)
    {
        var model = new TextClassifier(config.VocabSize, config.EmbedDim, config.NumClass);
        try
        {
            var stateDict = Read(path);
            try
            {
                Check(path, config, stateDict);
                LoadFloat32(model, stateDict);
            }
            finally
            {
                foreach (var tensor in stateDict.Values)
                {
                    tensor.Dispose();
                }
            }
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    private static Dictionary<string, Tensor> Read(string path)
    {
        bool safetensors = path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
        try
        {
            if (safetensors)
            {
                return Safetensors.LoadStateDict(path);
            }
            var table = PyTorchUnpickler.UnpickleStateDict(path);
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (DictionaryEntry entry in table)
            {
                if (entry.Key is not string key || entry.Value is not Tensor tensor)
                {
                    throw new ModelLoadException(path, $"is not a state_dict of tensors (entry {entry.Key} is {entry.Value?.GetType().Name ?? "null"})");
                }
                result[key] = tensor;
            }
            return result;
        }
        catch (ModelLoadException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The readers throw many types (zip, pickle, JSON, end of stream) for unreadable or truncated files.
            throw new ModelLoadException(path, $"cannot be read as a {(safetensors ? "safetensors" : "PyTorch state_dict")} file "
                + $"(truncated or corrupt?): {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static void Check(string path, ModelConfig config, Dictionary<string, Tensor> stateDict)
    {
        var expected = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["embedding.weight"] = [config.VocabSize, config.EmbedDim],
            ["fc.weight"] = [config.NumClass, config.EmbedDim],
            ["fc.bias"] = [config.NumClass],
        };
        var missing = expected.Keys.Where(key => !stateDict.ContainsKey(key)).ToList();
        var unexpected = stateDict.Keys.Where(key => !expected.ContainsKey(key)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0)
            {
                parts.Add($"missing key(s) {string.Join(", ", missing)}");
            }
            if (unexpected.Count > 0)
            {
                parts.Add($"unexpected key(s) {string.Join(", ", unexpected)}");
            }
            throw new ModelLoadException(path, $"state_dict does not match {TextClassifier.Architecture}: {string.Join("; ", parts)} "
                + $"(expected exactly {string.Join(", ", TextClassifier.StateDictKeys)})");
        }
        foreach (var (key, shape) in expected)
        {
            var tensor = stateDict[key];
            if (!tensor.shape.SequenceEqual(shape))
            {
                throw new ModelLoadException(path, $"{key} has shape [{string.Join(", ", tensor.shape)}] but {BundleConfig.FileName} "
                    + $"(vocab_size {config.VocabSize}, embed_dim {config.EmbedDim}, num_class {config.NumClass}) needs [{string.Join(", ", shape)}]");
            }
            if (!tensor.is_floating_point())
            {
                throw new ModelLoadException(path, $"{key} has dtype {tensor.dtype}; expected floating point weights");
            }
        }
    }

    /// <summary>Loads the checked tensors, converting e.g. float64 or float16 weights to the module's float32.</summary>
    private static void LoadFloat32(TextClassifier model, Dictionary<string, Tensor> stateDict)
    {
        var converted = stateDict.ToDictionary(pair => pair.Key, pair => pair.Value.dtype == ScalarType.Float32 ? pair.Value : pair.Value.to(ScalarType.Float32));
        model.load_state_dict(converted, strict: true);
        foreach (var tensor in converted.Values.Where(tensor => !stateDict.ContainsValue(tensor)))
        {
            tensor.Dispose();
        }
    }
}
