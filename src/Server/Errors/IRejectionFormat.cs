namespace TextClassification.Server.Errors;

/// <summary>
/// Endpoint metadata for an API whose clients read errors in a body of their own rather than problem details (the
/// Open Inference Protocol's <c>{"error": "..."}</c>). <see cref="Rejection"/> writes its body through it; status,
/// headers and the rejection count stay the same.
/// </summary>
internal interface IRejectionFormat
{
    Task WriteAsync(HttpContext httpContext, Rejection rejection);
}
