using Microsoft.AspNetCore.Http.Metadata;

namespace TextClassification.Server.Errors;

/// <summary>
/// The one way a request is refused: an RFC 9457 problem (written through the app's problem details service, like
/// every other error) plus the headers that go with it. Body readers, parsers and services return it; handlers and
/// <see cref="RejectionFilter"/> return it as the result. An endpoint whose API has its own error body declares an
/// <see cref="IRejectionFormat"/>, which then writes the body instead.
/// </summary>
internal sealed record Rejection(int Status, string Title, string Type, string Detail) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <summary>Seconds after which the client may retry (<c>Retry-After</c>), for 503s that are expected to pass.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>What <c>textclf_rejected_total</c> counts this refusal as; null: not counted.</summary>
    public RejectionReason? Reason { get; init; }

    /// <summary>End an HTTP/1.x connection after this answer (the rest of the request cannot be trusted or read).</summary>
    public bool CloseConnection { get; init; }

    int? IStatusCodeHttpResult.StatusCode => Status;

    string IContentTypeHttpResult.ContentType => "application/problem+json";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (Reason is { } reason)
        {
            httpContext.RequestServices.GetService<RejectionMetrics>()?.Rejected(reason);
        }
        var headers = httpContext.Response.Headers;
        if (RetryAfterSeconds is { } seconds)
        {
            headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (CloseConnection && (HttpProtocol.IsHttp11(httpContext.Request.Protocol) || HttpProtocol.IsHttp10(httpContext.Request.Protocol)))
        {
            // HTTP/2 and 3 end just the stream; HTTP/1.x closes the connection after this answer.
            headers.Connection = "close";
        }
        if (httpContext.GetEndpoint()?.Metadata.GetMetadata<IRejectionFormat>() is { } format)
        {
            return format.WriteAsync(httpContext, this);
        }
        return TypedResults.Problem(Detail, statusCode: Status, title: Title, type: Type).ExecuteAsync(httpContext);
    }
}
