using System.ComponentModel.DataAnnotations;

namespace TextClassification.Server.Inference;

/// <summary>The <c>Model</c> settings: which bundle to serve and how large a batch may be.</summary>
internal sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>The bundle directory; a relative path is looked up in the current directory, then beside the binary.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Model:Path must name a model bundle directory")]
    public string Path { get; set; } = "models/default";

    /// <summary>True: a missing or unusable bundle stops the process. False: it stays up and answers 503.</summary>
    public bool Required { get; set; } = true;

    [Range(1, 100_000, ErrorMessage = "Model:MaxBatchSize must be between {1} and {2}")]
    public int MaxBatchSize { get; set; } = 256;
}
