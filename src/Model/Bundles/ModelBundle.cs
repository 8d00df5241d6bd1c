using System.Text.Json.Nodes;
using TextClassification.Model.Modeling;
using TextClassification.Model.Text;
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

    private ModelBundle(string directory, ModelConfig config, Vocabulary vocabulary, nn.IModule<Tensor, Tensor, Tensor> module,
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

    /// <summary>The bundle directory, as a full path.</summary>
    public string Directory { get; }

    /// <summary>The validated <c>config.json</c>.</summary>
    public ModelConfig Config { get; }

    public Vocabulary Vocabulary { get; }

    public IReadOnlyList<string> Labels => Config.Labels;

    /// <summary>The module in eval mode: <c>forward(text, offsets) → logits</c>.</summary>
    public nn.IModule<Tensor, Tensor, Tensor> Module { get; }

    /// <summary>The trainable module, or null for a TorchScript bundle.</summary>
    public TextClassifier? Classifier => Owner as TextClassifier;

    public long ParameterCount { get; }

    /// <summary>SHA-256 of the weights file, lowercase hex.</summary>
    public string WeightsSha256 { get; }

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
        BundleFile.EnsureReadable(configPath, BundleFile.MaxConfigBytes);
        var config = BundleConfigFile.Read(configPath);
        var vocabulary = Vocabulary.Load(ResolveInside(directory, configPath, config.Vocab, "vocab", BundleFile.MaxVocabularyBytes));
        if (vocabulary.Count != config.VocabSize)
        {
            throw new ModelLoadException(Path.Combine(directory, config.Vocab),
                $"holds {vocabulary.Count} tokens but {BundleConfig.FileName} says vocab_size is {config.VocabSize}");
        }
        string weightsPath = ResolveInside(directory, configPath, config.Weights, "weights", BundleFile.MaxWeightsBytes);
        string sha256 = Sha256(weightsPath);
        if (config.Architecture == TorchScriptArchitecture)
        {
            var script = TorchScriptLoader.Load(weightsPath, config);
            return new ModelBundle(directory, config, vocabulary, script, script, CountParameters(script.parameters()), sha256);
        }
        var model = StateDictLoader.Load(weightsPath, config);
        return new ModelBundle(directory, config, vocabulary, model, model, CountParameters(model.parameters()), sha256);
    }

    /// <summary>
    /// Writes a bundle: config.json (with optional provenance), vocab.json and the state_dict in PyTorch's format,
    /// loadable in Python with <c>model.load_state_dict(torch.load("model_weights.pth"))</c>.
    /// </summary>
    /// <remarks><paramref name="ngrams"/> above 1 is written as <c>"ngrams"</c>; 1 leaves it out (absent means 1).</remarks>
    public static void Save(string directory, TextClassifier model, Vocabulary vocabulary, IReadOnlyList<string> labels, JsonObject? provenance = null, int ngrams = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(labels);
        if (vocabulary.Count != model.VocabSize)
        {
            throw new ArgumentException($"the vocabulary has {vocabulary.Count} tokens but the model has {model.VocabSize} embedding rows", nameof(vocabulary));
        }
        if (NGrams.Problem(ngrams) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(ngrams), $"ngrams {problem}");
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
            Tokenizer = BasicEnglishTokenizer.Name,
            NGrams = ngrams > 1 ? ngrams : null,
            Vocab = DefaultVocabFile,
            Weights = DefaultWeightsFile,
            Provenance = provenance,
        };
        vocabulary.Save(Path.Combine(directory, DefaultVocabFile));
        model.save_py(Path.Combine(directory, DefaultWeightsFile));
        BundleConfigFile.Write(Path.Combine(directory, BundleConfig.FileName), config);
    }

    private static string ResolveInside(string directory, string configPath, string relative, string field, long maxBytes)
    {
        string full = Path.GetFullPath(Path.Combine(directory, relative));
        string root = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            throw new ModelLoadException(configPath, $"\"{field}\": \"{relative}\" points outside the bundle directory");
        }
        BundleFile.EnsureReadable(full, maxBytes);
        if (!File.Exists(full))
        {
            throw new ModelLoadException(full, $"is missing (named by \"{field}\" in {BundleConfig.FileName})");
        }
        return full;
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
