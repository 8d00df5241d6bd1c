using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using TextClassification.Server.Errors;

namespace TextClassification.Server.Predictions;

/// <summary>
/// A request body read into a pooled buffer with a size bound. Over the bound the request gets a 413 (which closes an
/// HTTP/1.x connection) and is not read further; the server's own limit is lifted for the request so that
/// Kestrel then drains the rest of the upload (for up to its drain timeout) instead of resetting the connection,
/// which would make a client that is still sending lose the 413.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int InitialCapacity = 4096;

    private byte[]? buffer;

    private RequestBody(byte[] buffer, int length)
    {
        this.buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => buffer is null ? throw new ObjectDisposedException(nameof(RequestBody)) : buffer.AsMemory(0, Length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref buffer, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The body, or the rejection that stops it from being read (413, or 400 for a malformed upload).</summary>
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
        byte[] rented = ArrayPool<byte>.Shared.Rent(declared is { } size ? (int)size + 1 : InitialCapacity);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == rented.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)rented.Length * 2, (long)bound + 1));
                    rented.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(rented);
                    rented = larger;
                }
                int read = await context.Request.Body.ReadAsync(rented.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                length += read;
                if (length > bound)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                    return Problems.ContentTooLarge(bound);
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            // A malformed upload (bad chunk framing, fewer bytes than Content-Length); the client is usually gone by now.
            ArrayPool<byte>.Shared.Return(rented);
            return ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Problems.ContentTooLarge(bound)
                : Problems.InvalidRequest($"The request body could not be read: {ex.Message}");
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
        return new RequestBody(rented, length);
    }
}
