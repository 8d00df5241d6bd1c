using static TorchSharp.torch;

namespace TextClassification.Model.Bundles;

/// <summary>
/// Loads a bundle's TorchScript module (<c>"architecture": "torchscript"</c>) and checks it against the config with one
/// forward pass: <c>forward(text, offsets)</c> must give <c>[1, num_class]</c> logits for one text.
/// </summary>
internal static class TorchScriptLoader
{
    public static jit.ScriptModule<Tensor, Tensor, Tensor> Load(string path, ModelConfig config)
    {
        jit.ScriptModule<Tensor, Tensor, Tensor> script;
        try
        {
            script = jit.load<Tensor, Tensor, Tensor>(path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ModelLoadException(path, $"cannot be loaded as a TorchScript module (truncated or corrupt?): {ex.Message}", ex);
        }
        try
        {
            script.eval();
            Check(path, config, script);
            return script;
        }
        catch (ModelLoadException)
        {
            script.Dispose();
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            script.Dispose();
            throw new ModelLoadException(path, $"TorchScript module does not accept forward(text, offsets): {ex.Message}", ex);
        }
    }

    private static void Check(string path, ModelConfig config, jit.ScriptModule<Tensor, Tensor, Tensor> script)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var logits = script.call(tensor(new long[] { 0 }), tensor(new long[] { 0 }));
        if (!logits.shape.SequenceEqual([1L, config.NumClass]))
        {
            throw new ModelLoadException(path, $"forward(text, offsets) returned shape [{string.Join(", ", logits.shape)}] for one text; "
                + $"{BundleConfig.FileName} needs [1, {config.NumClass}]");
        }
        var embedding = script.named_parameters().FirstOrDefault(p => p.name == "embedding.weight").parameter;
        if (embedding is not null && embedding.shape[0] != config.VocabSize)
        {
            throw new ModelLoadException(path, $"embedding.weight has {embedding.shape[0]} rows but vocab_size is {config.VocabSize}");
        }
    }
}
