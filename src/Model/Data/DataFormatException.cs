namespace TextClassification.Model.Data;

/// <summary>A malformed data record; the message names the file and line.</summary>
public sealed class DataFormatException(string path, int line, string problem, Exception? inner = null)
    : Exception(line > 0 ? $"{path}:{line}: {problem}" : $"{path}: {problem}", inner)
{
    public string FilePath { get; } = path;

    public int Line { get; } = line;
}
