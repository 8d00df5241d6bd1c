namespace TextClassification.Server.Errors;

/// <summary>The API's expected failures as RFC 9457 problem details (application/problem+json).</summary>
internal static class Problems
{
    public const string BadRequestType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1";
    public const string ContentTooLargeType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14";
    public const string UnsupportedMediaTypeType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16";
    public const string ServiceUnavailableType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4";
    public const string UnauthorizedType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2";
    public const string ForbiddenType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4";
    public const string TooManyRequestsType = "https://www.rfc-editor.org/rfc/rfc6585#section-4";

    /// <summary>No valid API key; the authentication handler adds the <c>WWW-Authenticate</c> challenge.</summary>
    public static Rejection Unauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, "Unauthorized", UnauthorizedType, detail) { Reason = RejectionReason.Unauthorized };

    /// <summary>A valid API key that this endpoint does not accept (an inference key on an admin endpoint).</summary>
    public static Rejection Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, "Forbidden", ForbiddenType, detail) { Reason = RejectionReason.Forbidden };

    /// <summary>The client's rate limit is spent; null <paramref name="retryAfterSeconds"/>: waiting will not help.</summary>
    public static Rejection RateLimited(string detail, int? retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, "Too many requests", TooManyRequestsType, detail)
        {
            RetryAfterSeconds = retryAfterSeconds,
            Reason = RejectionReason.RateLimited,
        };

    public static Rejection InvalidRequest(string detail) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", BadRequestType, detail) { Reason = RejectionReason.Invalid };

    /// <summary>Answered without reading the rest of the body; HTTP/1.x connections close once it is drained.</summary>
    public static Rejection ContentTooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "Request body too large", ContentTooLargeType,
            $"The request body is larger than {limit} bytes, the limit set by Kestrel:Limits:MaxRequestBodySize.")
        { CloseConnection = true, Reason = RejectionReason.TooLarge };

    public static Rejection UnsupportedMediaType(string detail) =>
        new(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", UnsupportedMediaTypeType, detail) { Reason = RejectionReason.UnsupportedMediaType };

    /// <summary>The request body did not arrive within <paramref name="timeout"/>; the connection closes after the answer.</summary>
    public static Rejection RequestTimeout(TimeSpan timeout) =>
        new(StatusCodes.Status408RequestTimeout, "Request body timeout", "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.9",
            $"The request body did not arrive within {timeout.TotalSeconds:0.###} s, the limit set by Server:RequestBodyTimeout.")
        {
            CloseConnection = true,
            Reason = RejectionReason.Invalid,
        };

    /// <summary>The inference queue is full: retry after a second.</summary>
    public static Rejection Overloaded(string detail) =>
        new(StatusCodes.Status503ServiceUnavailable, "Server busy", ServiceUnavailableType, detail) { RetryAfterSeconds = 1, Reason = RejectionReason.Overloaded };

    /// <summary>A requested reload whose bundle failed to load or warm up (the model in service keeps serving).</summary>
    public static Rejection ReloadRefused(string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, "Reload refused", "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21", detail);

    /// <summary>A resource named in the path that does not exist (an unknown model name or version); not counted as a rejection, like any 404.</summary>
    public static Rejection NotFound(string detail) =>
        new(StatusCodes.Status404NotFound, "Not found", "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5", detail);

    public static Rejection ModelNotReady(string detail) =>
        new(StatusCodes.Status503ServiceUnavailable, "Model not ready", ServiceUnavailableType, detail) { Reason = RejectionReason.NotReady };
}
