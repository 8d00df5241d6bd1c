using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace TextClassification.Server.Observability;

/// <summary>The response body, passed through to the server's own while counting the bytes written (for the access log).</summary>
internal sealed class CountingResponseBody(IHttpResponseBodyFeature inner) : PipeWriter, IHttpResponseBodyFeature
{
    private Stream? stream;

    public long Bytes { get; private set; }

    public IHttpResponseBodyFeature Inner => inner;

    Stream IHttpResponseBodyFeature.Stream => stream ??= AsStream(leaveOpen: true);

    PipeWriter IHttpResponseBodyFeature.Writer => this;

    public override bool CanGetUnflushedBytes => inner.Writer.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.Writer.UnflushedBytes;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        await inner.SendFileAsync(path, offset, count, cancellationToken).ConfigureAwait(false);
        Bytes += count ?? new FileInfo(path).Length - offset;
    }

    Task IHttpResponseBodyFeature.CompleteAsync() => inner.CompleteAsync();

    public override void Advance(int bytes)
    {
        inner.Writer.Advance(bytes);
        Bytes += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.Writer.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.Writer.GetSpan(sizeHint);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.Writer.FlushAsync(cancellationToken);

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        Bytes += source.Length;
        return inner.Writer.WriteAsync(source, cancellationToken);
    }

    public override void CancelPendingFlush() => inner.Writer.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Writer.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.Writer.CompleteAsync(exception);
}
