namespace TextClassification.Server.Security;

/// <summary>
/// <c>X-Content-Type-Options: nosniff</c> on every answer, and <c>Cache-Control: no-store</c> on answers to POST (a
/// prediction is about the caller's text). Set when the answer starts, so error answers get them too.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    private static readonly Func<object, Task> SetHeaders = static state =>
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (HttpMethods.IsPost(context.Request.Method))
        {
            headers.CacheControl = "no-store";
        }
        return Task.CompletedTask;
    };

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(SetHeaders, context);
        return next(context);
    }
}
