using Microsoft.AspNetCore.Http.HttpResults;

namespace TextClassification.Server.Errors;

/// <summary>The API's expected failures as RFC 9457 problem details (application/problem+json).</summary>
internal static class Problems
{
    public const string BadRequestType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1";
    public const string ContentTooLargeType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14";
    public const string UnsupportedMediaTypeType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16";
    public const string ServiceUnavailableType = "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4";

    public static ProblemHttpResult InvalidRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", type: BadRequestType);

    public static ProblemHttpResult ContentTooLarge(long limit) =>
        TypedResults.Problem($"The request body is larger than {limit} bytes, the limit set by Kestrel:Limits:MaxRequestBodySize.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large", type: ContentTooLargeType);

    /// <summary>The request body did not arrive within <paramref name="timeout"/>; the caller closes the connection.</summary>
    public static ProblemHttpResult RequestTimeout(TimeSpan timeout) =>
        TypedResults.Problem($"The request body did not arrive within {timeout.TotalSeconds:0.###} s, the limit set by Server:RequestBodyTimeout.",
            statusCode: StatusCodes.Status408RequestTimeout, title: "Request body timeout", type: "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.9");

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", type: UnsupportedMediaTypeType);

    /// <summary>The inference queue is full; the caller sets Retry-After.</summary>
    public static ProblemHttpResult Overloaded(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Server busy", type: ServiceUnavailableType);

    public static ProblemHttpResult ModelNotReady(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model not ready", type: ServiceUnavailableType);
}
