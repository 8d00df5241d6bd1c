using System.Text.Json;
using TextClassification.Model.Modeling;
using TextClassification.Model.Text;

namespace TextClassification.Model.Bundles;

/// <summary>Reads <c>config.json</c> into a validated <see cref="ModelConfig"/>, and writes it.</summary>
internal static class BundleConfigFile
{
    /// <summary>Every problem is a <see cref="ModelLoadException"/> naming <paramref name="path"/>; the first one found wins.</summary>
    public static ModelConfig Read(string path) => Validate(path, Deserialize(path));

    public static void Write(string path, BundleConfig config)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, ModelJsonContext.FileWriterOptions(indented: true));
        JsonSerializer.Serialize(writer, config, ModelJsonContext.Default.BundleConfig);
    }

    private static BundleConfig Deserialize(string path)
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
        return config ?? throw new ModelLoadException(path, "is null; expected a JSON object");
    }

    private static ModelConfig Validate(string path, BundleConfig config)
    {
        ModelLoadException Problem(string problem) => new(path, problem);
        long Positive(long? value, string field) => value is long positive and >= 1 ? positive : throw Problem($"needs a positive integer \"{field}\"");

        string architecture = config.Architecture switch
        {
            null => throw Problem("has no \"architecture\""),
            TextClassifier.Architecture or ModelBundle.TorchScriptArchitecture => config.Architecture,
            _ => throw Problem($"has architecture \"{config.Architecture}\"; supported are \"{TextClassifier.Architecture}\" and \"{ModelBundle.TorchScriptArchitecture}\""),
        };
        long vocabSize = Positive(config.VocabSize, "vocab_size");
        long embedDim = Positive(config.EmbedDim, "embed_dim");
        long numClass = Positive(config.NumClass, "num_class");
        var labels = config.Labels ?? throw Problem("has no \"labels\" list");
        if (labels.Count != numClass)
        {
            throw Problem($"lists {labels.Count} labels but num_class is {numClass}");
        }
        if (labels.Any(string.IsNullOrEmpty))
        {
            throw Problem("has an empty or null label");
        }
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
        {
            throw Problem("has duplicate labels");
        }
        string tokenizer = config.Tokenizer switch
        {
            null => throw Problem("has no \"tokenizer\""),
            BasicEnglishTokenizer.Name => BasicEnglishTokenizer.Name,
            _ => throw Problem($"asks for tokenizer \"{config.Tokenizer}\"; only \"{BasicEnglishTokenizer.Name}\" is supported"),
        };
        int ngrams = config.NGrams switch
        {
            null => 1,
            long n when NGrams.Problem(n) is { } problem => throw Problem($"has \"ngrams\" that {problem}"),
            long n => (int)n,
        };
        string vocab = string.IsNullOrEmpty(config.Vocab) ? throw Problem("has no \"vocab\" file name") : config.Vocab;
        string weights = string.IsNullOrEmpty(config.Weights) ? throw Problem("has no \"weights\" file name") : config.Weights;
        string? version = ReadVersion(config.Version, Problem);
        return new ModelConfig(architecture, vocabSize, embedDim, numClass, [.. labels], tokenizer, ngrams, vocab, weights, config.Provenance, version);
    }

    /// <summary>A string or a whole number, URL-safe because servers put it in paths (<c>/v2/models/{name}/versions/{version}</c>).</summary>
    private static string? ReadVersion(JsonElement? element, Func<string, ModelLoadException> problem)
    {
        string? version = element switch
        {
            null or { ValueKind: JsonValueKind.Null } => null,
            { ValueKind: JsonValueKind.String } text => text.GetString(),
            { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out long whole) && whole >= 0 => whole.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw problem("has a \"version\" that is neither a string nor a whole number"),
        };
        if (version is not null && !IsUrlSafe(version))
        {
            throw problem($"has version \"{version}\"; a version is 1 to 64 of A-Z a-z 0-9 . _ - starting with a letter or digit");
        }
        return version;
    }

    private static bool IsUrlSafe(string value) =>
        value.Length is >= 1 and <= 64 && char.IsAsciiLetterOrDigit(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
