using System.Text.Encodings.Web;
using System.Text.Json;
using TextClassification.Server.Errors;

namespace TextClassification.Server.OpenInference;

/// <summary>
/// Rejections on the Open Inference endpoints as the protocol's error object, <c>{"error": "..."}</c> (V2 clients
/// raise that message), with the same status, headers and rejection count as a problem answer elsewhere.
/// </summary>
internal sealed class OpenInferenceErrorFormat : IRejectionFormat
{
    public static readonly OpenInferenceErrorFormat Instance = new();

    /// <summary>Messages quote names ("text"): kept readable rather than HTML-escaped, as the answer is JSON, never HTML.</summary>
    private static readonly JsonSerializerOptions Readable = new(ServerJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private OpenInferenceErrorFormat()
    {
    }

    public Task WriteAsync(HttpContext httpContext, Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return Error(rejection.Detail, rejection.Status).ExecuteAsync(httpContext);
    }

    /// <summary>An error answer that is not a rejection (a readiness probe's 503).</summary>
    public static IResult Error(string message, int status) =>
        TypedResults.Json(new OpenInferenceError(message), Readable, statusCode: status);
}
