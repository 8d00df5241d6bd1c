using System.Diagnostics.Metrics;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Lifecycle;

/// <summary>The reload counter (exported by the observability issue as <c>textclf_model_reloads_total{result}</c>).</summary>
internal sealed class ReloadMetrics
{
    public const string ReloadsName = "textclf.model.reloads";
    public const string ResultTag = "result";

    private static readonly KeyValuePair<string, object?> Success = new(ResultTag, "success");
    private static readonly KeyValuePair<string, object?> Failure = new(ResultTag, "failure");

    private readonly Counter<long> reloads;

    public ReloadMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        reloads = meterFactory.Create(InferenceMetrics.MeterName)
            .CreateCounter<long>(ReloadsName, "{reload}", "Model reloads: success (the new model serves) or failure (refused; the old one kept serving).");
    }

    public void Reloaded(bool succeeded) => reloads.Add(1, succeeded ? Success : Failure);
}
