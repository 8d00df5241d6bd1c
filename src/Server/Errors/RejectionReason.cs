namespace TextClassification.Server.Errors;

/// <summary>Why a request was refused: the <c>reason</c> label of <c>textclf_rejected_total</c>.</summary>
internal enum RejectionReason
{
    /// <summary>400: the body is not an acceptable request.</summary>
    Invalid,

    /// <summary>413: the body is over the size limit.</summary>
    TooLarge,

    /// <summary>415: not application/json.</summary>
    UnsupportedMediaType,

    /// <summary>503 with Retry-After: the inference queue is full.</summary>
    Overloaded,

    /// <summary>503: no model is loaded (or the server is stopping).</summary>
    NotReady,

    /// <summary>401: no API key, or a wrong one.</summary>
    Unauthorized,

    /// <summary>403: a valid key without the role the endpoint needs.</summary>
    Forbidden,

    /// <summary>429: the client's rate limit is spent.</summary>
    RateLimited,
}
