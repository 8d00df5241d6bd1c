using System.ComponentModel.DataAnnotations;

namespace TextClassification.Server.Inference;

/// <summary>The <c>Inference</c> settings.</summary>
internal sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>
    /// torch intra-op threads (<c>torch.set_num_threads</c>). 1 suits this small model: requests already run in
    /// parallel on the thread pool, and more threads per forward would contend with them.
    /// </summary>
    [Range(1, 1024, ErrorMessage = "Inference:IntraOpThreads must be between {1} and {2}")]
    public int IntraOpThreads { get; set; } = 1;
}
