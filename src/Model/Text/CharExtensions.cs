namespace TextClassification.Model.Text;

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
