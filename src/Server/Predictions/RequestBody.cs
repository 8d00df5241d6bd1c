using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using TextClassification.Server.Errors;
using TextClassification.Server.Security;

namespace TextClassification.Server.Predictions;

/// <summary>
/// A request body read into a buffer grown as bytes arrive (<see cref="BodyBuffer"/>), with a size bound. Over the bound the request gets a 413 (which closes an
/// HTTP/1.x connection) and is not read further; the server's own limit is lifted for the request so that
/// Kestrel then drains the rest of the upload (for up to its drain timeout) instead of resetting the connection,
/// which would make a client that is still sending lose the 413.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int InitialCapacity = 16 * 1024;

    private BodyBuffer? buffer;

    private RequestBody(BodyBuffer buffer, int length)
    {
        this.buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => buffer is null ? throw new ObjectDisposedException(nameof(RequestBody)) : buffer.Memory[..Length];

    public void Dispose() => Interlocked.Exchange(ref buffer, null)?.Dispose();

    /// <summary>The body, or the rejection that stops it from being read (413; 408 past Server:RequestBodyTimeout; 400 for a malformed upload).</summary>
    public static async Task<Outcome<RequestBody>> ReadAsync(HttpContext context, long? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            serverLimit.MaxRequestBodySize = null;
        }
        int bound = (int)Math.Min(limit ?? long.MaxValue, Array.MaxLength - 1);
        long? declared = context.Request.ContentLength;
        if (declared > bound)
        {
            return Problems.ContentTooLarge(bound);
        }
        // Rent for what has arrived, not for what the client declares: a stalled upload must not pin a full-size buffer.
        var body = new BodyBuffer((int)Math.Min(declared ?? InitialCapacity, InitialCapacity));
        int length = 0;
        bool kept = false;
        RequestBodyDeadline? deadline = null;
        var reader = context.Request.BodyReader;
        try
        {
            while (true)
            {
                // The deadline's timer starts only when the body is not already buffered (the common case is).
                if (!reader.TryRead(out var result))
                {
                    deadline ??= RequestBodyDeadline.Start(context);
                    result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                var data = result.Buffer;
                if (length + data.Length > bound)
                {
                    reader.AdvanceTo(data.End);
                    return Problems.ContentTooLarge(bound);
                }
                body.EnsureCapacity(length + (int)data.Length, length, bound);
                data.CopyTo(body.Memory.Span[length..]);
                length += (int)data.Length;
                reader.AdvanceTo(data.End);
                if ((result.IsCanceled || result.IsCompleted) && deadline?.Stop() == true)
                {
                    RequestBodyLog.TimedOut(context, deadline.Timeout);
                    return Problems.RequestTimeout(deadline.Timeout);
                }
                if (result.IsCompleted)
                {
                    kept = true;
                    return new RequestBody(body, length);
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            // A malformed upload (bad chunk framing, fewer bytes than Content-Length); the client is usually gone by now.
            RequestBodyLog.Unreadable(context, ex);
            return ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Problems.ContentTooLarge(bound)
                : Problems.InvalidRequest($"The request body could not be read: {ex.Message}");
        }
        catch (Exception ex) when (ex is ConnectionResetException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The client reset or abandoned the upload: nobody is left to answer, and aborting spares Kestrel a failed drain.
            RequestBodyLog.Unreadable(context, ex);
            context.Abort();
            return Problems.InvalidRequest("The request body could not be read: the client closed the connection.");
        }
        catch (IOException ex)
        {
            // Framing Kestrel rejects with a plain IOException rather than a bad-request one (a chunk size of 2^31 or more).
            RequestBodyLog.Unreadable(context, ex);
            return Problems.InvalidRequest("The request body could not be read: its framing is invalid.") with { CloseConnection = true };
        }
        finally
        {
            deadline?.Dispose();
            if (!kept)
            {
                body.Dispose();
            }
        }
    }
}
