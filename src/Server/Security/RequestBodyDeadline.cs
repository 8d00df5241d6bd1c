using System.IO.Pipelines;
using Microsoft.Extensions.Options;

namespace TextClassification.Server.Security;

/// <summary>
/// The <c>Server:RequestBodyTimeout</c> clock of one request body. At the deadline it cancels the pending read with
/// <see cref="PipeReader.CancelPendingRead"/> (the read returns <c>IsCanceled</c>) rather than through a cancellation
/// token: a token-cancelled read leaves Kestrel's body reader "in progress", and Kestrel then fails to drain the body
/// and logs an error. Started only when the body is not already buffered, so a request that arrives whole costs no timer.
/// </summary>
internal sealed class RequestBodyDeadline : IDisposable
{
    private readonly PipeReader reader;
    private readonly CancellationTokenSource timer;
    private readonly CancellationTokenRegistration registration;
    private volatile bool fired;

    private RequestBodyDeadline(PipeReader reader, TimeSpan timeout)
    {
        this.reader = reader;
        Timeout = timeout;
        timer = new CancellationTokenSource(timeout);
        registration = timer.Token.UnsafeRegister(static state => ((RequestBodyDeadline)state!).Fire(), this);
    }

    public TimeSpan Timeout { get; }

    public static RequestBodyDeadline Start(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var timeout = context.RequestServices.GetRequiredService<IOptions<RequestBodyOptions>>().Value.RequestBodyTimeout;
        return new RequestBodyDeadline(context.Request.BodyReader, timeout);
    }

    /// <summary>Stops the clock; true when the deadline passed and the pending read was cancelled.</summary>
    public bool Stop()
    {
        registration.Dispose(); // waits for a callback that is running, so the answer below is final
        timer.Dispose();
        return fired;
    }

    public void Dispose() => Stop();

    private void Fire()
    {
        fired = true;
        reader.CancelPendingRead();
    }
}
