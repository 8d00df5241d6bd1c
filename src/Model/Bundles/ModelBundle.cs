using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using TextClassification.Model.Modeling;
using TextClassification.Model.Text;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TextClassification.Model.Bundles;

/// <summary>
/// A model bundle directory: <c>config.json</c>, <c>vocab.json</c> and the weights (<c>model_weights.pth</c> in
/// PyTorch's own format, <c>.safetensors</c>, or a TorchScript module). Loading validates everything against the
/// config, loads the state_dict strictly and calls <c>eval()</c>.
/// </summary>
public sealed class ModelBundle : IDisposable
{
    public const string TorchScriptArchitecture = "torchscript";
    public const string DefaultVocabFile = "vocab.json";
    public const string DefaultWeightsFile = "model_weights.pth";

    private ModelBundle(string directory, BundleConfig config, Vocabulary vocabulary, nn.IModule<Tensor, Tensor, Tensor> module,
        IDisposable owner, long parameterCount, string weightsSha256)
    {
        Directory = directory;
        Config = config;
        Vocabulary = vocabulary;
        Module = module;
        Owner = owner;
        ParameterCount = parameterCount;
        WeightsSha256 = weightsSha256;
    }

    public string Directory { get; }

    public BundleConfig Config { get; }

    public Vocabulary Vocabulary { get; }

    public IReadOnlyList<string> Labels => Config.Labels!;

    /// <summary>The module in eval mode: <c>forward(text, offsets) → logits</c>.</summary>
    public nn.IModule<Tensor, Tensor, Tensor> Module { get; }

    /// <summary>The trainable module, or null for a TorchScript bundle.</summary>
    public TextClassifier? Classifier => Owner as TextClassifier;

    public long ParameterCount { get; }

    public string WeightsSha256 { get; }

    public string WeightsPath => Path.Combine(Directory, Config.Weights!);

    private IDisposable Owner { get; }

    public void Dispose() => Owner.Dispose();

    /// <summary>Loads and validates a bundle; every problem is a <see cref="ModelLoadException"/> naming the file.</summary>
    public static ModelBundle Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelLoadException(directory, File.Exists(directory)
                ? "is a file; expected a bundle directory holding config.json, vocab.json and the weights"
                : "does not exist; expected a bundle directory holding config.json, vocab.json and the weights");
        }
        string configPath = Path.Combine(directory, BundleConfig.FileName);
        var config = ReadConfig(configPath);
        var vocabulary = Vocabulary.Load(ResolveInside(directory, configPath, config.Vocab!, "vocab"));
        if (vocabulary.Count != config.VocabSize)
        {
            throw new ModelLoadException(Path.Combine(directory, config.Vocab!),
                $"holds {vocabulary.Count} tokens but {BundleConfig.FileName} says vocab_size is {config.VocabSize}");
        }
        string weightsPath = ResolveInside(directory, configPath, config.Weights!, "weights");
        string sha256 = Sha256(weightsPath);
        if (config.Architecture == TorchScriptArchitecture)
        {
            var script = LoadTorchScript(weightsPath, config);
            return new ModelBundle(directory, config, vocabulary, script, script, CountParameters(script.parameters()), sha256);
        }
        var model = new TextClassifier(config.VocabSize!.Value, config.EmbedDim!.Value, config.NumClass!.Value);
        try
        {
            LoadStateDict(model, weightsPath, config);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return new ModelBundle(directory, config, vocabulary, model, model, CountParameters(model.parameters()), sha256);
    }

    /// <summary>
    /// Writes a bundle: config.json (with optional provenance), vocab.json and the state_dict in PyTorch's format,
    /// loadable in Python with <c>model.load_state_dict(torch.load("model_weights.pth"))</c>.
    /// </summary>
    public static void Save(string directory, TextClassifier model, Vocabulary vocabulary, IReadOnlyList<string> labels, JsonObject? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(labels);
        if (vocabulary.Count != model.VocabSize)
        {
            throw new ArgumentException($"the vocabulary has {vocabulary.Count} tokens but the model has {model.VocabSize} embedding rows", nameof(vocabulary));
        }
        if (labels.Count != model.NumClass)
        {
            throw new ArgumentException($"{labels.Count} labels given for a model with {model.NumClass} classes", nameof(labels));
        }
        System.IO.Directory.CreateDirectory(directory);
        var config = new BundleConfig
        {
            Architecture = TextClassifier.Architecture,
            VocabSize = model.VocabSize,
            EmbedDim = model.EmbedDim,
            NumClass = model.NumClass,
            Labels = [.. labels],
            Tokenizer = BasicEnglishTokenizer.Instance.Name,
            Vocab = DefaultVocabFile,
            Weights = DefaultWeightsFile,
            Provenance = provenance,
        };
        vocabulary.Save(Path.Combine(directory, DefaultVocabFile));
        model.save_py(Path.Combine(directory, DefaultWeightsFile));
        using var stream = File.Create(Path.Combine(directory, BundleConfig.FileName));
        using var writer = new Utf8JsonWriter(stream, ModelJsonContext.FileWriterOptions(indented: true));
        JsonSerializer.Serialize(writer, config, ModelJsonContext.Default.BundleConfig);
    }

    private static BundleConfig ReadConfig(string path)
    {
        BundleConfig? config;
        try
        {
            using var stream = File.OpenRead(path);
            config = JsonSerializer.Deserialize(stream, ModelJsonContext.Default.BundleConfig);
        }
        catch (FileNotFoundException ex)
        {
            throw new ModelLoadException(path, "is missing; every bundle needs a config.json", ex);
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(path, $"is not valid JSON for a bundle config: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot be read: {ex.Message}", ex);
        }
        if (config is null)
        {
            throw new ModelLoadException(path, "is null; expected a JSON object");
        }
        string? problem = config switch
        {
            { Architecture: null } => "has no \"architecture\"",
            { Architecture: not (TextClassifier.Architecture or TorchScriptArchitecture) } =>
                $"has architecture \"{config.Architecture}\"; supported are \"{TextClassifier.Architecture}\" and \"{TorchScriptArchitecture}\"",
            { VocabSize: null or < 1 } => "needs a positive integer \"vocab_size\"",
            { EmbedDim: null or < 1 } => "needs a positive integer \"embed_dim\"",
            { NumClass: null or < 1 } => "needs a positive integer \"num_class\"",
            { Labels: null } => "has no \"labels\" list",
            _ when config.Labels.Count != config.NumClass => $"lists {config.Labels.Count} labels but num_class is {config.NumClass}",
            _ when config.Labels.Any(string.IsNullOrEmpty) => "has an empty or null label",
            _ when config.Labels.Distinct(StringComparer.Ordinal).Count() != config.Labels.Count => "has duplicate labels",
            { Tokenizer: null } => "has no \"tokenizer\"",
            { Tokenizer: not "basic_english" } => $"asks for tokenizer \"{config.Tokenizer}\"; only \"basic_english\" is supported",
            { Vocab: null or "" } => "has no \"vocab\" file name",
            { Weights: null or "" } => "has no \"weights\" file name",
            _ => null,
        };
        return problem is null ? config : throw new ModelLoadException(path, problem);
    }

    private static string ResolveInside(string directory, string configPath, string relative, string field)
    {
        string full = Path.GetFullPath(Path.Combine(directory, relative));
        string root = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            throw new ModelLoadException(configPath, $"\"{field}\": \"{relative}\" points outside the bundle directory");
        }
        if (!File.Exists(full))
        {
            throw new ModelLoadException(full, $"is missing (named by \"{field}\" in {BundleConfig.FileName})");
        }
        return full;
    }

    private static void LoadStateDict(TextClassifier model, string path, BundleConfig config)
    {
        var stateDict = ReadStateDict(path);
        try
        {
            var expected = new Dictionary<string, long[]>(StringComparer.Ordinal)
            {
                ["embedding.weight"] = [config.VocabSize!.Value, config.EmbedDim!.Value],
                ["fc.weight"] = [config.NumClass!.Value, config.EmbedDim!.Value],
                ["fc.bias"] = [config.NumClass!.Value],
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
            var converted = stateDict.ToDictionary(pair => pair.Key, pair => pair.Value.dtype == ScalarType.Float32 ? pair.Value : pair.Value.to(ScalarType.Float32));
            var (missingAfter, unexpectedAfter) = model.load_state_dict(converted, strict: true);
            if (missingAfter.Count > 0 || unexpectedAfter.Count > 0)
            {
                throw new ModelLoadException(path, "load_state_dict rejected the weights");
            }
            foreach (var tensor in converted.Values.Where(tensor => !stateDict.ContainsValue(tensor)))
            {
                tensor.Dispose();
            }
        }
        finally
        {
            foreach (var tensor in stateDict.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        try
        {
            if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
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
            throw new ModelLoadException(path, $"cannot be read as a {(path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? "safetensors" : "PyTorch state_dict")} file "
                + $"(truncated or corrupt?): {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static jit.ScriptModule<Tensor, Tensor, Tensor> LoadTorchScript(string path, BundleConfig config)
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
            using var scope = NewDisposeScope();
            using var mode = inference_mode();
            var logits = script.call(tensor(new long[] { 0 }), tensor(new long[] { 0 }));
            if (!logits.shape.SequenceEqual([1L, config.NumClass!.Value]))
            {
                throw new ModelLoadException(path, $"forward(text, offsets) returned shape [{string.Join(", ", logits.shape)}] for one text; "
                    + $"{BundleConfig.FileName} needs [1, {config.NumClass}]");
            }
            var embedding = script.named_parameters().FirstOrDefault(p => p.name == "embedding.weight").parameter;
            if (embedding is not null && embedding.shape[0] != config.VocabSize)
            {
                throw new ModelLoadException(path, $"embedding.weight has {embedding.shape[0]} rows but vocab_size is {config.VocabSize}");
            }
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

    private static long CountParameters(IEnumerable<TorchSharp.Modules.Parameter> parameters) => parameters.Sum(p => p.numel());

    private static string Sha256(string path)
    {
        try
        {
            return FileHash.Sha256(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot be read: {ex.Message}", ex);
        }
    }
}
