using System.ComponentModel.DataAnnotations;
using System.Globalization;
using TextClassification.Server.Hosting;

namespace TextClassification.Server.Inference;

/// <summary>The <c>Model</c> settings: which bundle to serve and how many texts one request may carry.</summary>
internal sealed class ModelOptions
{
    public const string SectionName = "Model";
    public const string MaxTextsPerRequestKey = "Model:MaxTextsPerRequest";
    public const string LoadTimeoutKey = "Model:LoadTimeout";

    /// <summary>What a model name or version may be: URL-safe in a path segment without escaping, as KServe and Triton names are.</summary>
    public const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";
    public const string NameRule = "1 to 128 of A-Z a-z 0-9 . _ - starting with a letter or digit";

    /// <summary><c>Model:MaxBatchSize</c> meant texts per request but read like <c>Inference:MaxBatchSize</c> (texts per forward).</summary>
    public static readonly RenamedSetting RenamedMaxBatchSize = new("Model:MaxBatchSize", MaxTextsPerRequestKey);

    /// <summary>The bundle directory; a relative path is looked up in the current directory, then beside the binary.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Model:Path must name a model bundle directory")]
    public string Path { get; set; } = "models/default";

    /// <summary>True: a missing or unusable bundle stops the process. False: it stays up and answers 503.</summary>
    public bool Required { get; set; } = true;

    /// <summary>Most texts in one request (<c>texts</c> array); more is a 400.</summary>
    [Range(1, 100_000, ErrorMessage = MaxTextsPerRequestKey + " must be between {1} and {2}")]
    public int MaxTextsPerRequest { get; set; } = 256;

    /// <summary>
    /// How long loading a bundle (files, weights, warm-up forward) may take, at startup and on reload. A load that
    /// takes longer fails as a bad bundle would, and is abandoned: its model is discarded if it ever finishes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = LoadTimeoutKey + " must be between {1} and {2}")]
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The model's name in the Open Inference Protocol (<c>/v2/models/{name}</c>); null: the bundle directory's name
    /// (see <see cref="OpenInference.ModelIdentity"/>). KServe passes <c>--Model:Name={{.Name}}</c>.
    /// </summary>
    [RegularExpression(NamePattern, ErrorMessage = "Model:Name must be " + NameRule)]
    public string? Name { get; set; }

    /// <summary>The model's version in the Open Inference Protocol; null: the bundle's config.json "version", else "1".</summary>
    [RegularExpression(NamePattern, ErrorMessage = "Model:Version must be " + NameRule)]
    public string? Version { get; set; }

    /// <summary>Applies the deprecated <c>Model:MaxBatchSize</c> where it is given with more precedence than its new name.</summary>
    public static void ApplyRenamedKeys(ModelOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (RenamedMaxBatchSize.LegacyValue(configuration) is not { } legacy)
        {
            return;
        }
        options.MaxTextsPerRequest = int.TryParse(legacy, NumberStyles.Integer, CultureInfo.InvariantCulture, out int texts)
            ? texts
            : throw new InvalidOperationException($"{RenamedMaxBatchSize.OldKey} (deprecated: use {MaxTextsPerRequestKey}) must be a whole number; got \"{legacy}\"");
    }
}
