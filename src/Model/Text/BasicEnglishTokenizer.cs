using System.Text;

namespace TextClassification.Model.Text;

/// <summary>
/// torchtext's <c>basic_english</c> tokenizer, reproduced exactly: Python's <c>str.lower()</c>, then the twelve
/// regex rules in order, then <c>str.split()</c>. Python (3.11, Unicode 14) is the reference, not .NET's culture data.
/// </summary>
/// <remarks>
/// The rules are <c>'</c>→" '  ", <c>"</c>→"", <c>.</c>→" . ", <c>&lt;br /&gt;</c>→" ", <c>,</c>→" , ", <c>(</c>→" ( ",
/// <c>)</c>→" ) ", <c>!</c>→" ! ", <c>?</c>→" ? ", <c>;</c>→" ", <c>:</c>→" ", <c>\s+</c>→" ". Applied in order they
/// reduce to: drop double quotes, replace "&lt;br /&gt;" by a space, and split on whitespace, ';' and ':' while
/// emitting each of <c>' . , ( ) ! ?</c> as a token of its own (the padding spaces never create or break a
/// "&lt;br /&gt;"). This single pass gives the same tokens without building the intermediate strings.
/// </remarks>
public sealed class BasicEnglishTokenizer : ITokenizer
{
    public static BasicEnglishTokenizer Instance { get; } = new();

    public string Name => "basic_english";

    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        Tokenize(text, tokens.Add);
        return tokens;
    }

    /// <summary>Streams the tokens to <paramref name="onToken"/>; avoids the list for callers that map tokens to ids.</summary>
    public void Tokenize(string text, Action<string> onToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(onToken);
        string normalized = RemoveLineBreakTags(PythonText.Lower(text, dropDoubleQuotes: true));
        var current = new StringBuilder();
        int i = 0;
        while (i < normalized.Length)
        {
            int codePoint = normalized.ConvertToUtf32OrSelf(i, out int width);
            if (IsSeparator(codePoint))
            {
                Flush(current, onToken);
            }
            else if (IsPunctuationToken(codePoint))
            {
                Flush(current, onToken);
                onToken(PunctuationTokens[codePoint]);
            }
            else
            {
                current.Append(normalized, i, width);
            }
            i += width;
        }
        Flush(current, onToken);
    }

    private static readonly Dictionary<int, string> PunctuationTokens = new()
    {
        ['\''] = "'", ['.'] = ".", [','] = ",", ['('] = "(", [')'] = ")", ['!'] = "!", ['?'] = "?",
    };

    private static bool IsPunctuationToken(int c) => c is '\'' or '.' or ',' or '(' or ')' or '!' or '?';

    private static bool IsSeparator(int c) => c is ';' or ':' || PythonText.IsSpace(c);

    private static string RemoveLineBreakTags(string text) =>
        text.Contains("<br />", StringComparison.Ordinal) ? text.Replace("<br />", " ", StringComparison.Ordinal) : text;

    private static void Flush(StringBuilder current, Action<string> onToken)
    {
        if (current.Length > 0)
        {
            onToken(current.ToString());
            current.Clear();
        }
    }
}

internal static class CharExtensions
{
    /// <summary>The code point at <paramref name="index"/>; a lone surrogate stands for itself, as in Python.</summary>
    public static int ConvertToUtf32OrSelf(this string s, int index, out int width)
    {
        char c = s[index];
        if (char.IsHighSurrogate(c) && index + 1 < s.Length && char.IsLowSurrogate(s[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, s[index + 1]);
        }
        width = 1;
        return c;
    }
}
