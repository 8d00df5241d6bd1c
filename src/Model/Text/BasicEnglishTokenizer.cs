using System.Buffers;

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
/// "&lt;br /&gt;", and quotes are gone before it is matched). So one lowercasing pass into a pooled buffer and one
/// scan give the same tokens without the intermediate strings, and token spans can be looked up without allocating.
/// </remarks>
public sealed class BasicEnglishTokenizer
{
    /// <summary>The name recorded in a bundle's config.json.</summary>
    public const string Name = "basic_english";

    private const string LineBreakTag = "<br />";

    public static BasicEnglishTokenizer Instance { get; } = new();

    public IReadOnlyList<string> Tokenize(string text)
    {
        var sink = new StringListSink([]);
        Tokenize(text, ref sink);
        return sink.Tokens;
    }

    /// <summary>Streams token spans to <paramref name="sink"/>; specialised per sink type, no per-token allocation.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Instance API, like the other Tokenize overloads.")]
    public void Tokenize<TSink>(string text, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        ArgumentNullException.ThrowIfNull(text);
        char[] rented = ArrayPool<char>.Shared.Rent(Math.Max(16, text.Length * 2)); // lowercasing at most doubles the length ('İ')
        try
        {
            int length = PythonText.LowerInto(text, rented, dropDoubleQuotes: true);
            Split(rented.AsSpan(0, length), ref sink);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private const byte TokenChar = 0;
    private const byte Separator = 1;
    private const byte Punctuation = 2;
    private const byte MaybeLineBreak = 3;

    // basic_english's view of each ASCII character.
    private static readonly byte[] AsciiClasses = BuildAsciiClasses();

    private static void Split<TSink>(ReadOnlySpan<char> s, ref TSink sink)
        where TSink : struct, ITokenSink
    {
        byte[] classes = AsciiClasses;
        int start = -1;
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            int width = 1;
            byte kind;
            if (c < 0x80)
            {
                kind = classes[c];
                if (kind == MaybeLineBreak)
                {
                    bool tag = s[i..].StartsWith(LineBreakTag, StringComparison.Ordinal);
                    kind = tag ? Separator : TokenChar;
                    width = tag ? LineBreakTag.Length : 1;
                }
            }
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                width = 2;
                kind = TokenChar; // no whitespace above U+FFFF
            }
            else
            {
                kind = PythonText.IsSpace(c) ? Separator : TokenChar;
            }

            if (kind == TokenChar)
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else
            {
                if (start >= 0)
                {
                    sink.Add(s[start..i]);
                    start = -1;
                }
                if (kind == Punctuation)
                {
                    sink.Add(s.Slice(i, 1));
                }
            }
            i += width;
        }
        if (start >= 0)
        {
            sink.Add(s[start..]);
        }
    }

    private static byte[] BuildAsciiClasses()
    {
        var classes = new byte[128];
        for (int c = 0; c < 128; c++)
        {
            classes[c] = c switch
            {
                '\'' or '.' or ',' or '(' or ')' or '!' or '?' => Punctuation,
                ' ' or ';' or ':' or (>= '\t' and <= '\r') or (>= 0x1C and <= 0x1F) => Separator,
                '<' => MaybeLineBreak,
                _ => TokenChar,
            };
        }
        return classes;
    }

    private readonly struct StringListSink(List<string> tokens) : ITokenSink
    {
        public List<string> Tokens { get; } = tokens;

        public void Add(ReadOnlySpan<char> token) => Tokens.Add(token.ToString());
    }
}
