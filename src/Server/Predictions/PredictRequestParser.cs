using System.Text;
using System.Text.Json;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;

namespace TextClassification.Server.Predictions;

/// <summary>
/// Strict parsing of a POST /predict body, with a precise reason for every rejection: UTF-8 only, RFC 8259 JSON
/// only (no comments, trailing commas, single quotes, NaN or trailing data), nesting at most <see cref="MaxDepth"/>,
/// an object with exactly one of <c>text</c> (a string) or <c>texts</c> (an array of strings), plus the request's
/// optional properties (<see cref="IRequestOptions{TSelf}"/>; POST /embed parses its body here too). Property names
/// are case-sensitive; unknown and repeated properties are rejected so that a typo is reported instead of ignored.
/// A leading UTF-8 byte order mark is skipped. Cost is linear in the body size, which the caller bounds.
/// </summary>
internal static class PredictRequestParser
{
    public const int MaxDepth = 64;
    public const string TextProperty = "text";
    public const string TextsProperty = "texts";

    private const string Shape = "send {\"text\": \"...\"} or {\"texts\": [\"...\", \"...\"]}";

    internal static readonly JsonDocumentOptions Strict = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth,
    };

    /// <summary>The texts and options of a POST /predict <paramref name="body"/>, or the 400 that says what is wrong with it.</summary>
    public static Outcome<PredictInput> Parse(ReadOnlyMemory<byte> body, int maxTexts)
    {
        var parsed = Parse<PredictOptions>(body, maxTexts);
        return parsed.IsAccepted ? new PredictInput(parsed.Value.Texts, parsed.Value.IsBatch, parsed.Value.Options) : parsed.Rejection;
    }

    /// <summary>The texts and <typeparamref name="TOptions"/> of <paramref name="body"/>, or the 400 that says what is wrong with it.</summary>
    public static Outcome<TextsRequest<TOptions>> Parse<TOptions>(ReadOnlyMemory<byte> body, int maxTexts)
        where TOptions : struct, IRequestOptions<TOptions>
    {
        var span = body.Span;
        if (span.StartsWith(Encoding.UTF8.Preamble))
        {
            body = body[Encoding.UTF8.Preamble.Length..];
            span = body.Span;
        }
        if (span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Invalid($"The request body is empty; {Shape}.");
        }
        if (InvalidUtf8At(span) is { } offset)
        {
            return Invalid($"The request body is not valid UTF-8 (byte 0x{span[offset]:X2} at offset {offset}); JSON must be UTF-8.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Strict);
        }
        catch (JsonException ex)
        {
            return Invalid($"The request body is not valid JSON: {WithoutPosition(ex.Message)} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }
        using (document)
        {
            return ReadRoot<TOptions>(document.RootElement, maxTexts);
        }
    }

    private static Outcome<TextsRequest<TOptions>> ReadRoot<TOptions>(JsonElement root, int maxTexts)
        where TOptions : struct, IRequestOptions<TOptions>
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid($"The request body must be a JSON object, not {Describe(root.ValueKind)}; {Shape}.");
        }
        JsonElement? text = null;
        JsonElement? texts = null;
        var options = default(TOptions);
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case TextProperty when text is null:
                    text = property.Value;
                    break;
                case TextsProperty when texts is null:
                    texts = property.Value;
                    break;
                case TextProperty or TextsProperty:
                    return Invalid($"\"{property.Name}\" appears more than once.");
                default:
                    if (!options.TryRead(property.Name, property.Value, out var wrong))
                    {
                        return Invalid($"Unknown property \"{Truncate(property.Name)}\"; only \"text\" or \"texts\" is accepted"
                            + (TOptions.OptionNames.Length > 0 ? $", and optionally {TOptions.OptionNames}" : "") + " (names are case-sensitive).");
                    }
                    if (wrong is not null)
                    {
                        return wrong;
                    }
                    break;
            }
        }
        if (text is { } single)
        {
            return texts is not null ? Invalid("The request body has both \"text\" and \"texts\"; send exactly one.") : ReadSingle(single, options);
        }
        return texts is { } batch ? ReadBatch(batch, maxTexts, options) : Invalid($"The request body has neither \"text\" nor \"texts\"; {Shape}.");
    }

    private static Outcome<TextsRequest<TOptions>> ReadSingle<TOptions>(JsonElement element, TOptions options)
        where TOptions : struct, IRequestOptions<TOptions>
    {
        var text = ReadText(element, TextProperty);
        if (!text.IsAccepted)
        {
            return text.Rejection;
        }
        return options.Validate() is { } wrong ? wrong : new TextsRequest<TOptions>([text.Value], IsBatch: false, options);
    }

    private static Outcome<TextsRequest<TOptions>> ReadBatch<TOptions>(JsonElement element, int maxTexts, TOptions options)
        where TOptions : struct, IRequestOptions<TOptions>
    {
        var texts = ReadTexts(element, maxTexts);
        if (!texts.IsAccepted)
        {
            return texts.Rejection;
        }
        return options.Validate() is { } wrong ? wrong : new TextsRequest<TOptions>(texts.Value, IsBatch: true, options);
    }

    private static Outcome<string[]> ReadTexts(JsonElement element, int maxTexts)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return Invalid($"\"texts\" must be an array of strings, not {Describe(element.ValueKind)}.");
        }
        int count = element.GetArrayLength();
        if (count == 0)
        {
            return Invalid("\"texts\" is empty; send at least one text.");
        }
        if (count > maxTexts)
        {
            return Invalid($"\"texts\" has {count} items; at most {maxTexts} are accepted per request ({ModelOptions.MaxTextsPerRequestKey}).");
        }
        var result = new string[count];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            var text = ReadText(item, $"texts[{i}]");
            if (!text.IsAccepted)
            {
                return text.Rejection;
            }
            result[i++] = text.Value;
        }
        return result;
    }

    private static Outcome<string> ReadText(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return Invalid($"\"{name}\" must be a string, not {Describe(element.ValueKind)}.");
        }
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Invalid($"\"{name}\" contains an escape that is not valid text (an unpaired UTF-16 surrogate such as \\ud800).");
        }
        return string.IsNullOrWhiteSpace(value) ? Invalid($"\"{name}\" is empty or whitespace-only; send some text to classify.") : value;
    }

    private static Rejection Invalid(string detail) => Problems.InvalidRequest(detail);

    internal static int? InvalidUtf8At(ReadOnlySpan<byte> span)
    {
        if (System.Text.Unicode.Utf8.IsValid(span))
        {
            return null;
        }
        int offset = 0;
        while (offset < span.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(span[offset..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }
            offset += consumed;
        }
        return null;
    }

    /// <summary>System.Text.Json ends its messages with " LineNumber: n | BytePositionInLine: m."; the caller reports both 1-based.</summary>
    internal static string WithoutPosition(string message)
    {
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).TrimEnd().TrimEnd('.');
    }

    internal static string Truncate(string name) => name.Length <= 64 ? name : name[..64] + "…";

    /// <summary>A JSON value kind in words, for messages.</summary>
    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
