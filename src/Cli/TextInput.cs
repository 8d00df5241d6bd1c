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
}
