using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Predictions;
using TextClassification.Server.Security;

namespace TextClassification.Server.OpenInference;

/// <summary>
/// An infer request body bound by hand: read as /predict's is (<see cref="RequestBody"/>: the size limit, 413, the
/// body deadline, 408), then parsed by <see cref="InferRequestParser"/>. JSON, binary tensor data
/// (<c>application/octet-stream</c>) and no Content-Type at all are accepted, since Triton's client sends none; another
/// media type is a 415. A refused body carries its <see cref="Rejection"/>, which <see cref="RejectionFilter"/> answers.
/// </summary>
internal sealed class InferBody : IRejectableInput, IPermitCost
{
    private readonly InferRequest? value;

    private InferBody(InferRequest? value, Rejection? rejection)
    {
        this.value = value;
        Rejection = rejection;
    }

    public Rejection? Rejection { get; }

    public int Permits => value?.Permits ?? 1;

    public InferRequest Value => value ?? throw new InvalidOperationException($"a rejected body reached the handler: {Rejection?.Detail}");

    public static async ValueTask<InferBody?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (CheckMediaType(context.Request.ContentType) is { } unsupported)
        {
            return new InferBody(null, unsupported);
        }
        string? header = context.Request.Headers[InferRequestParser.HeaderLengthHeader];
        long? headerLength = null;
        if (header is not null)
        {
            if (!long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
            {
                return new InferBody(null, Problems.InvalidRequest(
                    $"{InferRequestParser.HeaderLengthHeader} must be the JSON's length in bytes, a whole number; got \"{PredictRequestParser.Truncate(header)}\"."));
            }
            headerLength = length;
        }
        var services = context.RequestServices;
        long? limit = services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize;
        var read = await RequestBody.ReadAsync(context, limit, context.RequestAborted).ConfigureAwait(false);
        if (!read.IsAccepted)
        {
            return new InferBody(null, read.Rejection);
        }
        using var body = read.Value;
        var parsed = InferRequestParser.Parse(body.Memory, headerLength, services.GetRequiredService<IOptions<ModelOptions>>().Value.MaxTextsPerRequest);
        return parsed.IsAccepted ? new InferBody(parsed.Value, null) : new InferBody(null, parsed.Rejection);
    }

    /// <summary>None, application/json or application/octet-stream (parameters such as charset are fine); else the 415.</summary>
    private static Rejection? CheckMediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }
        var mediaType = contentType.AsSpan();
        int semicolon = mediaType.IndexOf(';');
        mediaType = (semicolon >= 0 ? mediaType[..semicolon] : mediaType).Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            ? null
            : Problems.UnsupportedMediaType($"Content-Type \"{PredictRequestParser.Truncate(contentType)}\" is not supported; send application/json, "
                + "application/octet-stream (binary tensor data) or no Content-Type.");
    }
}
