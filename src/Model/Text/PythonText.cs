namespace TextClassification.Model.Text;

/// <summary>Python's <c>str.lower()</c> and <c>str.isspace()</c>, from tables generated out of Python itself.</summary>
public static class PythonText
{
    private const int CapitalSigma = 0x3A3;
    private static readonly HashSet<int> Whitespace = [.. PythonUnicode.Whitespace];
    private static readonly Dictionary<int, string> LowerMap = BuildLowerMap();

    public static bool IsSpace(int codePoint) => codePoint < 0x80
        ? codePoint is ' ' or (>= '\t' and <= '\r') or (>= 0x1C and <= 0x1F)
        : Whitespace.Contains(codePoint);

    /// <summary>Python's <c>str.lower()</c>, including 'İ' → "i̇" and the Final_Sigma rule for 'Σ'.</summary>
    public static string Lower(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        char[] buffer = new char[text.Length * 2];
        return new string(buffer, 0, LowerInto(text, buffer, dropDoubleQuotes: false));
    }

    /// <summary>
    /// Writes <c>text.lower()</c> into <paramref name="destination"/> (at least twice the text's length: only 'İ'
    /// grows, to two chars) and returns the length written; optionally drops '"' as basic_english's second rule does.
    /// </summary>
    internal static int LowerInto(string text, Span<char> destination, bool dropDoubleQuotes)
    {
        int written = 0;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c < 0x80)
            {
                if (!(dropDoubleQuotes && c == '"'))
                {
                    destination[written++] = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
                }
                i++;
                continue;
            }
            int codePoint = text.ConvertToUtf32OrSelf(i, out int width);
            if (codePoint == CapitalSigma)
            {
                destination[written++] = IsFinalSigma(text, i) ? 'ς' : 'σ';
            }
            else if (LowerMap.TryGetValue(codePoint, out string? lower))
            {
                lower.CopyTo(destination[written..]);
                written += lower.Length;
            }
            else
            {
                text.AsSpan(i, width).CopyTo(destination[written..]);
                written += width;
            }
            i += width;
        }
        return written;
    }

    // CPython's handle_capital_sigma: cased, case-ignorable*, Σ, not followed by case-ignorable* then cased.
    private static bool IsFinalSigma(string text, int index)
    {
        int j = index;
        int before = -1;
        while (j > 0)
        {
            j -= char.IsLowSurrogate(text[j - 1]) && j > 1 && char.IsHighSurrogate(text[j - 2]) ? 2 : 1;
            int c = text.ConvertToUtf32OrSelf(j, out _);
            if (!IsCaseIgnorable(c))
            {
                before = c;
                break;
            }
        }
        if (before < 0 || !IsCased(before))
        {
            return false;
        }
        int k = index + 1;
        while (k < text.Length)
        {
            int c = text.ConvertToUtf32OrSelf(k, out int width);
            if (!IsCaseIgnorable(c))
            {
                return !IsCased(c);
            }
            k += width;
        }
        return true;
    }

    private static bool IsCased(int c) => InRanges(PythonUnicode.CasedRanges, c);

    private static bool IsCaseIgnorable(int c) => InRanges(PythonUnicode.CaseIgnorableRanges, c);

    private static bool InRanges(ReadOnlySpan<int> ranges, int c)
    {
        int lo = 0, hi = (ranges.Length / 2) - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (c < ranges[2 * mid])
            {
                hi = mid - 1;
            }
            else if (c > ranges[(2 * mid) + 1])
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }
        return false;
    }

    private static Dictionary<int, string> BuildLowerMap()
    {
        var keys = PythonUnicode.LowerKeys;
        var map = new Dictionary<int, string>(keys.Length);
        for (int i = 0; i < keys.Length; i++)
        {
            map[keys[i]] = PythonUnicode.LowerValues[i];
        }
        return map;
    }
}
