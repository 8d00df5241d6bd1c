using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace TextClassification.Model.Data;

/// <summary>
/// Reads labelled texts from CSV or TSV (a header naming <c>text</c> and <c>label</c> columns; RFC 4180 quoting) or
/// JSONL (one <c>{"text": ..., "label": ...}</c> object per line), each optionally gzip-compressed (<c>.gz</c>).
/// </summary>
public static class DataFile
{
    private enum Format
    {
        JsonLines,
        Csv,
        Tsv,
    }

    private static readonly Dictionary<string, Format> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jsonl"] = Format.JsonLines,
        [".ndjson"] = Format.JsonLines,
        [".json"] = Format.JsonLines,
        [".csv"] = Format.Csv,
        [".tsv"] = Format.Tsv,
        [".tab"] = Format.Tsv,
    };

    /// <summary>The extensions <see cref="Read(string)"/> understands; each may be followed by <c>.gz</c>.</summary>
    public static IReadOnlyCollection<string> Extensions => Formats.Keys;

    /// <summary>Whether the file name ends in one of <see cref="Extensions"/> (optionally <c>.gz</c>); the file is not opened.</summary>
    public static bool IsSupported(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Formats.ContainsKey(ExtensionOf(path));
    }

    public static IReadOnlyList<LabeledText> Read(string path) => Read(path, requireLabels: true);

    /// <summary>Only the texts; a label column or field is optional (for predicting).</summary>
    public static IReadOnlyList<string> ReadTexts(string path) => [.. Read(path, requireLabels: false).Select(record => record.Text)];

    private static List<LabeledText> Read(string path, bool requireLabels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, 0, System.IO.Directory.Exists(path) ? "is a directory, not a data file" : "does not exist");
        }
        string extension = ExtensionOf(path);
        if (!Formats.TryGetValue(extension, out var format))
        {
            throw new DataFormatException(path, 0, $"has unknown extension \"{extension}\"; use {string.Join(", ", Extensions)} (optionally .gz)");
        }
        using var reader = OpenText(path);
        try
        {
            var records = format switch
            {
                Format.JsonLines => ReadJsonLines(path, reader, requireLabels),
                Format.Csv => ReadDelimited(path, reader, ',', requireLabels),
                _ => ReadDelimited(path, reader, '\t', requireLabels),
            };
            return records.Count > 0 ? records : throw new DataFormatException(path, 0, "holds no records");
        }
        catch (InvalidDataException ex)
        {
            throw new DataFormatException(path, 0, $"is not valid gzip: {ex.Message}", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DataFormatException(path, 0, $"is not valid UTF-8: {ex.Message}", ex);
        }
    }

    private static string ExtensionOf(string path)
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return Path.GetExtension(name).ToLowerInvariant();
    }

    private static StreamReader OpenText(string path)
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }
        return new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
    }

    private static List<LabeledText> ReadJsonLines(string path, StreamReader reader, bool requireLabels)
    {
        var records = new List<LabeledText>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new DataFormatException(path, lineNumber, $"is not valid JSON: {ex.Message}", ex);
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new DataFormatException(path, lineNumber, $"is a JSON {root.ValueKind.ToString().ToLowerInvariant()}; expected an object {{\"text\": ..., \"label\": ...}}");
                }
                if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    throw new DataFormatException(path, lineNumber, "needs a string \"text\"");
                }
                if (!IsValidUtf16(text))
                {
                    throw new DataFormatException(path, lineNumber, "\"text\" holds an unpaired UTF-16 surrogate escape (e.g. \\ud800), which is not text");
                }
                if (!requireLabels)
                {
                    records.Add(new LabeledText(text.GetString()!, "", lineNumber));
                    continue;
                }
                if (!root.TryGetProperty("label", out var label) || label.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    throw new DataFormatException(path, lineNumber, "needs a \"label\" (string or integer)");
                }
                string labelText = label.ValueKind == JsonValueKind.String ? label.GetString()! : label.GetRawText();
                records.Add(Validate(path, lineNumber, text.GetString()!, labelText));
            }
        }
        return records;
    }

    private static List<LabeledText> ReadDelimited(string path, StreamReader reader, char delimiter, bool requireLabels)
    {
        var records = new List<LabeledText>();
        var parser = new DelimitedParser(reader, delimiter);
        if (parser.ReadRecord() is not { } header)
        {
            return records;
        }
        int textColumn = header.FindIndex(h => h.Trim().Equals("text", StringComparison.OrdinalIgnoreCase));
        int labelColumn = header.FindIndex(h => h.Trim().Equals("label", StringComparison.OrdinalIgnoreCase));
        if (textColumn < 0 || (requireLabels && labelColumn < 0))
        {
            throw new DataFormatException(path, 1, $"header must name a \"text\" and a \"label\" column (found: {string.Join(", ", header.Select(h => $"\"{h}\""))})");
        }
        try
        {
            while (parser.ReadRecord() is { } fields)
            {
                if (fields.Count == 1 && fields[0].Length == 0)
                {
                    continue; // blank line
                }
                if (fields.Count != header.Count)
                {
                    throw new DataFormatException(path, parser.RecordLine, $"has {fields.Count} field(s); the header has {header.Count}");
                }
                records.Add(requireLabels
                    ? Validate(path, parser.RecordLine, fields[textColumn], fields[labelColumn])
                    : new LabeledText(fields[textColumn], "", parser.RecordLine));
            }
        }
        catch (FormatException ex)
        {
            throw new DataFormatException(path, parser.RecordLine, ex.Message, ex);
        }
        return records;
    }

    private static bool IsValidUtf16(JsonElement value)
    {
        try
        {
            _ = value.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static LabeledText Validate(string path, int line, string text, string label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            throw new DataFormatException(path, line, "has an empty label");
        }
        return new LabeledText(text, label.Trim(), line);
    }
}
