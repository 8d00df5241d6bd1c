namespace TextClassification.Server.Observability;

/// <summary>
/// Takes the request's ID (<see cref="RequestId"/>) and echoes it as <c>X-Request-Id</c> on every answer, errors included
/// (set as the response starts, so that the exception handler clearing the headers does not drop it). A client's ID
/// becomes the request's TraceIdentifier and is put in a log scope, since the framework's own scope already holds the
/// ID it generated; an unacceptable one is replaced, never echoed.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    private static readonly Func<ILogger, string, IDisposable?> Scope = LoggerMessage.DefineScope<string>("RequestId:{RequestId}");

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state => Echo((HttpContext)state), context);
        var incoming = context.Request.Headers[RequestId.HeaderName];
        if (incoming.Count == 1 && RequestId.IsValid(incoming[0]))
        {
            context.TraceIdentifier = incoming[0]!;
            return InvokeInScopeAsync(context);
        }
        return next(context);
    }

    private async Task InvokeInScopeAsync(HttpContext context)
    {
        using (Scope(logger, context.TraceIdentifier))
        {
            await next(context);
        }
    }

    private static Task Echo(HttpContext context)
    {
        context.Response.Headers[RequestId.HeaderName] = context.TraceIdentifier;
        return Task.CompletedTask;
    }
}
