using System.Diagnostics;

namespace TextClassification.Server.Inference;

/// <summary>A batch's <c>inference</c> span (see <see cref="InferenceTracing.StartBatch"/>); disposing ends it and restores the thread's span.</summary>
internal readonly struct BatchTrace(Activity? inference, Activity? outer) : IDisposable
{
    public void Dispose()
    {
        if (inference is not null)
        {
            inference.Dispose();
            Activity.Current = outer;
        }
    }
}
