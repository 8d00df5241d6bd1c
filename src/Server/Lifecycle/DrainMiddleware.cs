namespace TextClassification.Server.Lifecycle;

/// <summary>
/// Counts requests in flight and, once draining, adds <c>Connection: close</c> to every HTTP/1.x response, so that
/// keep-alive clients reconnect (to another instance) instead of reusing a connection that is about to close.
/// HTTP/2 has no such header; Kestrel sends those connections GOAWAY when it stops.
/// </summary>
internal sealed class DrainMiddleware
{
    private readonly RequestDelegate next;
    private readonly DrainState drain;
    private readonly Func<object, Task> closeIfDraining;

    public DrainMiddleware(RequestDelegate next, DrainState drain)
    {
        this.next = next;
        this.drain = drain;
        closeIfDraining = CloseIfDraining;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        drain.RequestStarted();
        try
        {
            if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
            {
                context.Response.OnStarting(closeIfDraining, context); // decided when the response starts: draining may begin meanwhile
            }
            await next(context);
        }
        finally
        {
            drain.RequestFinished();
        }
    }

    private Task CloseIfDraining(object state)
    {
        if (drain.IsDraining)
        {
            ((HttpContext)state).Response.Headers.Connection = "close";
        }
        return Task.CompletedTask;
    }
}
