using Microsoft.Net.Http.Headers;
using TextClassification.Server.Errors;

namespace TextClassification.Server.Predictions;

internal static class JsonMediaType
{
    private const int MaxEcho = 100;

    /// <summary>
    /// Null when <paramref name="contentType"/> is application/json (any case, with parameters; a charset must be
    /// UTF-8 as RFC 8259 requires); otherwise the 415 that says why not.
    /// </summary>
    public static Rejection? Check(string? contentType) => Problem(contentType) is { } detail ? Problems.UnsupportedMediaType(detail) : null;

    private static string? Problem(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return "The request has no Content-Type; send the body as application/json.";
        }
        string echo = contentType.Length <= MaxEcho ? contentType : contentType[..MaxEcho] + "…";
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return $"Content-Type \"{echo}\" is not supported; send the body as application/json.";
        }
        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset);
        if (charset.HasValue && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return $"Content-Type \"{echo}\" is not supported; JSON must be UTF-8 (charset=utf-8 or no charset).";
        }
        return null;
    }
}
