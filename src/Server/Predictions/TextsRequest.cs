namespace TextClassification.Server.Predictions;

/// <summary>A parsed request body: its texts, whether they came as a batch (<c>texts</c>) or alone (<c>text</c>), and its options.</summary>
internal readonly record struct TextsRequest<TOptions>(string[] Texts, bool IsBatch, TOptions Options)
    where TOptions : struct, IRequestOptions<TOptions>;
