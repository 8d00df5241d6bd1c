using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;
using TextClassification.Server.Security;

namespace TextClassification.Server.Predictions;

/// <summary>
/// A JSON request body bound by hand rather than by the framework, so that every refusal says precisely what is wrong:
/// the media type is checked (415), the body read within <c>Kestrel:Limits:MaxRequestBodySize</c> (413) and parsed
/// by <typeparamref name="T"/> (400). A refused body carries its <see cref="Rejection"/>, which
/// <see cref="RejectionFilter"/> answers before the handler runs.
/// </summary>
internal sealed class JsonBody<T> : IRejectableInput, IPermitCost
    where T : class, IJsonBody<T>
{
    private readonly T? value;

    private JsonBody(T? value, Rejection? rejection)
    {
        this.value = value;
        Rejection = rejection;
    }

    public Rejection? Rejection { get; }

    /// <summary>What the body costs in rate-limit permits: the parsed value's cost, else one (the request's own).</summary>
    public int Permits => value is IPermitCost cost ? cost.Permits : 1;

    /// <summary>The parsed body; the filter keeps a rejected one from reaching a handler.</summary>
    public T Value => value ?? throw new InvalidOperationException($"a rejected body reached the handler: {Rejection?.Detail}");

    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (JsonMediaType.Check(context.Request.ContentType) is { } unsupported)
        {
            return new JsonBody<T>(null, unsupported);
        }
        long? limit = context.RequestServices.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize;
        var read = await RequestBody.ReadAsync(context, limit, context.RequestAborted).ConfigureAwait(false);
        if (!read.IsAccepted)
        {
            return new JsonBody<T>(null, read.Rejection);
        }
        using var body = read.Value;
        var parsed = T.Parse(body.Memory, context.RequestServices);
        return parsed.IsAccepted ? new JsonBody<T>(parsed.Value, null) : new JsonBody<T>(null, parsed.Rejection);
    }
}
