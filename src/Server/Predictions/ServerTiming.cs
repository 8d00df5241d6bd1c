using System.Globalization;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Predictions;

/// <summary>
/// The <c>Server-Timing</c> header of a /predict answer (W3C Server Timing, durations in milliseconds), which browsers'
/// developer tools and <c>curl -i</c> show: tokenizing the request's texts, waiting in the queue, and its batch's forward.
/// </summary>
internal static class ServerTiming
{
    public const string HeaderName = "Server-Timing";

    public static string Format(PredictionTimings timings) => string.Create(CultureInfo.InvariantCulture,
        $"tokenize;dur={timings.Tokenize.TotalMilliseconds:0.###}, queue;dur={timings.Queue.TotalMilliseconds:0.###}, inference;dur={timings.Inference.TotalMilliseconds:0.###}");
}
