using System.Text.Json;
using Microsoft.Extensions.Options;
using TextClassification.Model;
using TextClassification.Model.Inference;

namespace TextClassification.Server.Inference;

/// <summary>
/// Builds a complete model beside any one being served: loads config, vocabulary and weights (strict load_state_dict
/// and eval() happen in <see cref="Predictor.Load"/>), then runs one warm-up forward, which must give finite
/// probabilities. Whatever fails is thrown, naming the file where it can, and nothing is left allocated.
/// </summary>
internal sealed partial class ModelFactory(TimeProvider time, IOptions<InferenceOptions> inferenceOptions, ILogger<ModelFactory> logger)
{
    private const string WarmupText = "warm up";

    public LoadedModel Load(string directory)
    {
        long start = time.GetTimestamp();
        var predictor = Predictor.Load(directory);
        var loaded = time.GetElapsedTime(start);
        try
        {
            long warmupStart = time.GetTimestamp();
            var warmup = predictor.Predict([WarmupText])[0];
            var warmupDuration = time.GetElapsedTime(warmupStart);
            if (!warmup.Probabilities.All(float.IsFinite))
            {
                throw new ModelLoadException(Path.Combine(predictor.Directory, predictor.Config.Weights),
                    "the warm-up forward gave non-finite probabilities (NaN or infinite weights?)");
            }
            JsonElement? provenance = predictor.Config.Provenance is { } recorded ? JsonSerializer.SerializeToElement(recorded, ServerJsonContext.Default.JsonObject) : null;
            string labels = string.Join(", ", predictor.Labels);
            LogModelLoaded(logger, predictor.Directory, predictor.Architecture, labels, predictor.ParameterCount,
                predictor.WeightsSha256, loaded.TotalMilliseconds, warmupDuration.TotalMilliseconds, inferenceOptions.Value.IntraOpThreads);
            return new LoadedModel(predictor, time.GetUtcNow(), loaded, warmupDuration, provenance);
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "Model loaded from {Directory}: {Architecture}, labels [{Labels}], {ParameterCount} parameters, weights sha256 {WeightsSha256}; "
            + "load {LoadMilliseconds:F0} ms, warm-up {WarmupMilliseconds:F1} ms, {IntraOpThreads} intra-op thread(s)")]
    private static partial void LogModelLoaded(ILogger logger, string directory, string architecture, string labels, long parameterCount,
        string weightsSha256, double loadMilliseconds, double warmupMilliseconds, int intraOpThreads);
}
