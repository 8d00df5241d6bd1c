using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TextClassification.Model.Inference;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Predictions;

/// <summary>
/// Drives this server's own hot path (strict body parsing, the tokenizer and vocabulary lookup, the EmbeddingBag
/// forward, JSON writing) <see cref="InferenceOptions.WarmupRequests"/> times on texts made from the model's own
/// vocabulary, then waits (at most <see cref="MaxTierUpWait"/>) until the JIT has no more methods to recompile, so
/// that the first real requests run tiered-up code instead of paying for tier-0 code and its recompilation under load.
/// It calls the predictor directly, not the batching service, so it counts in no metric and holds no queue slot.
/// Kestrel, TLS and ASP.NET Core's own code are precompiled (ReadyToRun) and are not warmed here.
/// </summary>
internal sealed partial class PredictionWarmup(IOptions<InferenceOptions> inferenceOptions, IOptions<ModelOptions> modelOptions, ILogger<PredictionWarmup> logger)
    : IModelWarmup
{
    /// <summary>Texts per batch request in the warm-up (a typical client batch).</summary>
    public const int BatchTexts = 16;

    /// <summary>The longest the warm-up waits for background recompilation to settle.</summary>
    public static readonly TimeSpan MaxTierUpWait = TimeSpan.FromMilliseconds(400);

    private static readonly TimeSpan Settled = TimeSpan.FromMilliseconds(40);

    public void Run(Predictor predictor)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        int requests = inferenceOptions.Value.WarmupRequests;
        if (requests == 0)
        {
            return;
        }
        long start = Stopwatch.GetTimestamp();
        long compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        byte[] single = Body(SampleTexts(predictor, 1)[0]);
        byte[] batch = BatchBody(SampleTexts(predictor, BatchTexts));
        int maxTexts = modelOptions.Value.MaxTextsPerRequest;
        var output = new ArrayBufferWriter<byte>(4096);
        for (int i = 0; i < requests; i++)
        {
            Serve(predictor, (i % 8 == 7) ? batch : single, maxTexts, output);
        }
        // Methods called often enough are now queued for tier-1 compilation on a background thread; keep calling the
        // hot path (so that call counting completes) until the compiled-method count stops moving.
        long waitStart = Stopwatch.GetTimestamp();
        long last = System.Runtime.JitInfo.GetCompiledMethodCount();
        long lastChange = waitStart;
        while (Stopwatch.GetElapsedTime(waitStart) < MaxTierUpWait)
        {
            Serve(predictor, single, maxTexts, output);
            Thread.Sleep(2);
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != last)
            {
                (last, lastChange) = (now, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(lastChange) >= Settled)
            {
                break;
            }
        }
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore;
        double milliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        LogWarmedUp(logger, requests, compiled, milliseconds);
    }

    /// <summary>One request's work, as the endpoint does it: parse, tokenize and encode, forward, write the answer.</summary>
    private static void Serve(Predictor predictor, byte[] body, int maxTexts, ArrayBufferWriter<byte> output)
    {
        var input = PredictRequestParser.Parse(body, maxTexts);
        if (!input.IsAccepted)
        {
            throw new InvalidOperationException("the warm-up request was refused: " + input.Rejection.Detail);
        }
        var texts = input.Value.Texts;
        var encoded = new int[texts.Count][];
        for (int i = 0; i < encoded.Length; i++)
        {
            encoded[i] = predictor.Encode(texts[i]);
        }
        var predictions = predictor.PredictEncoded(encoded);
        output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(output);
        if (input.Value.IsBatch)
        {
            var results = new PredictionResult[predictions.Length];
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = PredictionEndpoints.ToResult(predictions[i], predictor.Labels);
            }
            JsonSerializer.Serialize(writer, new BatchPredictionResult(results), ServerJsonContext.Default.BatchPredictionResult);
        }
        else
        {
            JsonSerializer.Serialize(writer, PredictionEndpoints.ToResult(predictions[0], predictor.Labels), ServerJsonContext.Default.PredictionResult);
        }
    }

    /// <summary>E-mail-sized texts (about 1.5 KB) of the model's own tokens, with punctuation, numbers and unknown words.</summary>
    private static string[] SampleTexts(Predictor predictor, int count)
    {
        var itos = predictor.Bundle.Vocabulary.Itos;
        var texts = new string[count];
        var builder = new StringBuilder(2048);
        uint next = 1;
        for (int t = 0; t < count; t++)
        {
            builder.Clear();
            for (int w = 0; builder.Length < 1500; w++)
            {
                string token = itos[(int)(next % (uint)itos.Count)];
                next = unchecked((next * 2654435761u) + 7);
                builder.Append(token).Append(w % 9 == 8 ? ". " : w % 13 == 12 ? ", $1,000 (Zürich) " : " ");
            }
            texts[t] = builder.ToString();
        }
        return texts;
    }

    private static byte[] Body(string text) => JsonSerializer.SerializeToUtf8Bytes(new PredictTextRequest(text), ServerJsonContext.Default.PredictTextRequest);

    private static byte[] BatchBody(string[] texts) => JsonSerializer.SerializeToUtf8Bytes(new PredictBatchRequest(texts), ServerJsonContext.Default.PredictBatchRequest);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information,
        Message = "Warmed up with {Requests} requests through the request path: {Methods} methods compiled in {Milliseconds:F0} ms")]
    private static partial void LogWarmedUp(ILogger logger, int requests, long methods, double milliseconds);
}
