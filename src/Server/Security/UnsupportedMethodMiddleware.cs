namespace TextClassification.Server.Security;

/// <summary>
/// TRACE, TRACK, CONNECT and made-up methods get a 405 on every path, before routing, with a fixed detail that echoes
/// nothing of the request. The standard methods routing knows (GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS) pass on,
/// so a known path still answers 405 with its own <c>Allow</c> and an unknown one 404.
/// </summary>
internal sealed class UnsupportedMethodMiddleware(RequestDelegate next)
{
    /// <summary>The methods this server answers on some path.</summary>
    public const string ServedMethods = "GET, HEAD, POST";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPost(method) || HttpMethods.IsPut(method)
            || HttpMethods.IsDelete(method) || HttpMethods.IsPatch(method) || HttpMethods.IsOptions(method))
        {
            return next(context);
        }
        context.Response.Headers.Allow = ServedMethods;
        return TypedResults.Problem($"This server does not serve that method; it answers {ServedMethods}.",
            statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed", type: "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6")
            .ExecuteAsync(context);
    }
}
