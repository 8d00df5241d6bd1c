using System.CommandLine;
using System.CommandLine.Parsing;
using TextClassification.Model.Data;

namespace TextClassification.Cli;

/// <summary>Texts to classify or tokenize: the text column of a data file, or one text per non-blank line.</summary>
internal static class TextInput
{
    public static List<string> ReadFile(string path)
    {
        if (DataFile.IsSupported(path))
        {
            return [.. DataFile.ReadTexts(path)];
        }
        using var reader = new StreamReader(path);
        return ReadLines(reader);
    }

    public static List<string> ReadLines(TextReader reader)
    {
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                lines.Add(line);
            }
        }
        return lines;
    }

    /// <summary>A command's validator: texts come as arguments or from <c>--input</c>, never both.</summary>
    public static void RejectBoth(CommandResult result, Option<string> input, Argument<string[]> texts)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(input) is not null && result.GetValue(texts) is { Length: > 0 })
        {
            result.AddError("give texts either as arguments or with --input, not both");
        }
    }

    /// <summary>
    /// The texts a command works on: its arguments, else the <c>--input</c> file, else the lines of stdin. An
    /// unrecognized option (which would otherwise pass as a text) or no text at all is a usage error.
    /// </summary>
    public static List<string> Gather(ParseResult parsed, Option<string> input, Argument<string[]> texts, TextReader stdin, string verb)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (CliOptions.UnknownOption(parsed, texts) is { } unknown)
        {
            throw new UsageException($"Unrecognized command or argument '{unknown}'.");
        }
        var batch = parsed.GetValue(input) is { } file ? ReadFile(file)
            : parsed.GetValue(texts) is { Length: > 0 } given ? [.. given]
            : ReadLines(stdin);
        return batch.Count > 0 ? batch : throw new UsageException($"no text to {verb}: pass texts as arguments, --input FILE, or lines on stdin");
    }
}
