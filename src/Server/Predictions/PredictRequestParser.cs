using System.Text;
using System.Text.Json;

namespace TextClassification.Server.Predictions;

/// <summary>The texts of a valid POST /predict body, and whether they came as a batch (<c>texts</c>) or alone (<c>text</c>).</summary>
internal sealed record PredictInput(IReadOnlyList<string> Texts, bool IsBatch);

/// <summary>
/// Strict parsing of a POST /predict body, with a precise reason for every rejection: UTF-8 only, RFC 8259 JSON
/// only (no comments, trailing commas, single quotes, NaN or trailing data), nesting at most <see cref="MaxDepth"/>,
/// an object with exactly one of <c>text</c> (a string) or <c>texts</c> (an array of strings). Property names are
/// case-sensitive; unknown and repeated properties are rejected so that a typo is reported instead of ignored.
/// A leading UTF-8 byte order mark is skipped. Cost is linear in the body size, which the caller bounds.
/// </summary>
internal static class PredictRequestParser
{
    public const int MaxDepth = 64;
    public const string TextProperty = "text";
    public const string TextsProperty = "texts";

    private const string Shape = "send {\"text\": \"...\"} or {\"texts\": [\"...\", \"...\"]}";

    private static readonly JsonDocumentOptions Strict = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth,
    };

    public static bool TryParse(ReadOnlyMemory<byte> body, int maxBatchSize, out PredictInput? input, out string? problem)
    {
        input = null;
        problem = Parse(body, maxBatchSize, ref input);
        return problem is null;
    }

    private static string? Parse(ReadOnlyMemory<byte> body, int maxBatchSize, ref PredictInput? input)
    {
        var span = body.Span;
        if (span.StartsWith(Encoding.UTF8.Preamble))
        {
            body = body[Encoding.UTF8.Preamble.Length..];
            span = body.Span;
        }
        if (span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return $"The request body is empty; {Shape}.";
        }
        if (InvalidUtf8At(span) is { } offset)
        {
            return $"The request body is not valid UTF-8 (byte 0x{span[offset]:X2} at offset {offset}); JSON must be UTF-8.";
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Strict);
        }
        catch (JsonException ex)
        {
            return $"The request body is not valid JSON: {WithoutPosition(ex.Message)} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).";
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return $"The request body must be a JSON object, not {Describe(root.ValueKind)}; {Shape}.";
            }
            JsonElement? text = null;
            JsonElement? texts = null;
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
                        return $"\"{property.Name}\" appears more than once.";
                    default:
                        return $"Unknown property \"{Truncate(property.Name)}\"; only \"text\" or \"texts\" is accepted (names are case-sensitive).";
                }
            }
            return (text, texts) switch
            {
                (null, null) => $"The request body has neither \"text\" nor \"texts\"; {Shape}.",
                (not null, not null) => "The request body has both \"text\" and \"texts\"; send exactly one.",
                ({ } single, null) => ReadText(single, TextProperty, out string? value) ?? Accept(ref input, [value!], isBatch: false),
                (null, { } batch) => ReadTexts(batch, maxBatchSize, out var values) ?? Accept(ref input, values!, isBatch: true),
            };
        }
    }

    private static string? Accept(ref PredictInput? input, IReadOnlyList<string> texts, bool isBatch)
    {
        input = new PredictInput(texts, isBatch);
        return null;
    }

    private static string? ReadTexts(JsonElement element, int maxBatchSize, out string[]? values)
    {
        values = null;
        if (element.ValueKind != JsonValueKind.Array)
        {
            return $"\"texts\" must be an array of strings, not {Describe(element.ValueKind)}.";
        }
        int count = element.GetArrayLength();
        if (count == 0)
        {
            return "\"texts\" is empty; send at least one text.";
        }
        if (count > maxBatchSize)
        {
            return $"\"texts\" has {count} items; at most {maxBatchSize} are accepted per request (Model:MaxBatchSize).";
        }
        var result = new string[count];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (ReadText(item, $"texts[{i}]", out string? value) is { } problem)
            {
                return problem;
            }
            result[i++] = value!;
        }
        values = result;
        return null;
    }

    private static string? ReadText(JsonElement element, string name, out string? value)
    {
        value = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            return $"\"{name}\" must be a string, not {Describe(element.ValueKind)}.";
        }
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return $"\"{name}\" contains an escape that is not valid text (an unpaired UTF-16 surrogate such as \\ud800).";
        }
        return string.IsNullOrWhiteSpace(value) ? $"\"{name}\" is empty or whitespace-only; send some text to classify." : null;
    }

    private static int? InvalidUtf8At(ReadOnlySpan<byte> span)
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
    private static string WithoutPosition(string message)
    {
        int at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).TrimEnd().TrimEnd('.');
    }

    private static string Truncate(string name) => name.Length <= 64 ? name : name[..64] + "…";

    private static string Describe(JsonValueKind kind) => kind switch
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
