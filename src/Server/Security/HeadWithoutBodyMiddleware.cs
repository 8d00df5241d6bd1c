namespace TextClassification.Server.Security;

/// <summary>
/// Answers to HEAD carry headers only, on every protocol. Kestrel drops a HEAD answer's body over HTTP/1.x but sends
/// it over HTTP/2, where clients reject it as a protocol error (<c>curl -I --http2</c> fails on a 404 or 405).
/// </summary>
internal sealed class HeadWithoutBodyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.Body = Stream.Null;
        }
        return next(context);
    }
}
