using TextClassification.Server.Errors;
using TextClassification.Server.Inference;

namespace TextClassification.Server.OpenInference;

/// <summary>
/// The served model's name and version in the Open Inference Protocol. The name is <c>Model:Name</c>, else the bundle
/// directory's name (<c>Model:Path</c> as configured, not where its symlinks lead) with every character outside
/// <c>A-Z a-z 0-9 . _ -</c> made a '-'. The version is <c>Model:Version</c>, else the bundle's config.json
/// <c>"version"</c>, else "1".
/// </summary>
internal readonly record struct ModelIdentity(string Name, string? Version)
{
    public const string DefaultVersion = "1";

    public static ModelIdentity Of(ModelOptions options, LoadedModel? model)
    {
        ArgumentNullException.ThrowIfNull(options);
        string name = string.IsNullOrEmpty(options.Name) ? DefaultName(options.Path) : options.Name;
        // Without a model and without Model:Version the version is not known yet.
        string? version = !string.IsNullOrEmpty(options.Version) ? options.Version : model is null ? null : model.Predictor.Config.Version ?? DefaultVersion;
        return new ModelIdentity(name, version);
    }

    /// <summary>The bundle directory's name, made URL-safe; "model" when nothing of it is left.</summary>
    public static string DefaultName(string path)
    {
        string directory = ClientText.NameOf(path ?? "");
        var safe = new char[Math.Min(directory.Length, 128)];
        for (int i = 0; i < safe.Length; i++)
        {
            char c = directory[i];
            safe[i] = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-';
        }
        string name = new string(safe).TrimStart('.', '_', '-');
        return name.Length == 0 ? "model" : name;
    }

    /// <summary>The 404 for a path that names another model, or a version this one does not have; null when it names this one.</summary>
    public Rejection? Refuse(string name, string? version)
    {
        if (!string.Equals(name, Name, StringComparison.Ordinal))
        {
            return Problems.NotFound($"There is no model \"{Predictions.PredictRequestParser.Truncate(name)}\"; this server serves \"{Name}\" (GET /v2/models/{Name}).");
        }
        if (version is not null && Version is not null && !string.Equals(version, Version, StringComparison.Ordinal))
        {
            return Problems.NotFound($"Model \"{Name}\" has no version \"{Predictions.PredictRequestParser.Truncate(version)}\"; the served version is \"{Version}\".");
        }
        return null;
    }
}
