using System.Diagnostics.Metrics;

namespace TextClassification.Server.Errors;

/// <summary>
/// <c>textclf.rejected</c> (exported as <c>textclf_rejected_total{reason}</c>): requests refused, counted in one place,
/// when a <see cref="Rejection"/> is answered. Every reason is reported from the start, at 0, so that rate() and alerts
/// see the first refusal.
/// </summary>
internal sealed class RejectionMetrics
{
    public const string RejectedName = "textclf.rejected";
    public const string ReasonTag = "reason";

    private static readonly string[] Labels = ["invalid", "too_large", "unsupported_media_type", "overloaded", "not_ready", "unauthorized", "forbidden", "rate_limited"];

    private readonly long[] counts = new long[Labels.Length];

    public RejectionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meterFactory.Create(Inference.InferenceMetrics.MeterName)
            .CreateObservableCounter(RejectedName, Observe, "{request}", "Requests refused, by reason.");
    }

    /// <summary>The label value of <paramref name="reason"/>.</summary>
    public static string Label(RejectionReason reason) => Labels[(int)reason];

    public void Rejected(RejectionReason reason) => Interlocked.Increment(ref counts[(int)reason]);

    private IEnumerable<Measurement<long>> Observe()
    {
        var measurements = new Measurement<long>[Labels.Length];
        for (int i = 0; i < Labels.Length; i++)
        {
            measurements[i] = new Measurement<long>(Volatile.Read(ref counts[i]), new KeyValuePair<string, object?>(ReasonTag, Labels[i]));
        }
        return measurements;
    }
}
