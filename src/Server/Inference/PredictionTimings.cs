namespace TextClassification.Server.Inference;

/// <summary>Where one request's time went: tokenizing its texts, waiting in the queue, and its batch's forward.</summary>
internal readonly record struct PredictionTimings(TimeSpan Tokenize, TimeSpan Queue, TimeSpan Inference);
