using System.Buffers;

namespace TextClassification.Server.Observability;

/// <summary>
/// The request ID: the client's <c>X-Request-Id</c> when it is acceptable, otherwise the server's own (ASP.NET Core's
/// <see cref="HttpContext.TraceIdentifier"/>). It is kept as the request's TraceIdentifier, so that the framework's
/// log scope, the access log and problem details all carry the same value.
/// </summary>
internal static class RequestId
{
    public const string HeaderName = "X-Request-Id";
    public const string ProblemProperty = "requestId";
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");

    /// <summary>At most <see cref="MaxLength"/> characters of <c>[A-Za-z0-9._:-]</c>: safe to echo, log and put in a header.</summary>
    public static bool IsValid(ReadOnlySpan<char> value) => value.Length is > 0 and <= MaxLength && !value.ContainsAnyExcept(Allowed);
}
