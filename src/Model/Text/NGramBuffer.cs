using System.Buffers;

namespace TextClassification.Model.Text;

/// <summary>
/// Collects a text's tokens in one pooled buffer, each followed by a single space, so the n-gram of tokens
/// i..i+n-1 is a contiguous span (exactly <c>' '.join(...)</c>: basic_english tokens never hold whitespace) and can
/// be looked up without building a string. <see cref="Dispose"/> returns the buffers to the pool.
/// </summary>
internal struct NGramBuffer : ITokenSink, IDisposable
{
    private char[] chars;
    private int[] starts;
    private int length;

    public NGramBuffer(int capacity)
    {
        chars = ArrayPool<char>.Shared.Rent(Math.Max(16, capacity));
        starts = ArrayPool<int>.Shared.Rent(16);
        length = 0;
        TokenCount = 0;
    }

    public int TokenCount { readonly get; private set; }

    public void Add(ReadOnlySpan<char> token)
    {
        if (TokenCount + 1 >= starts.Length)
        {
            starts = Grow(starts, TokenCount + 2);
        }
        if (length + token.Length + 1 > chars.Length)
        {
            chars = Grow(chars, length + token.Length + 1);
        }
        starts[TokenCount++] = length;
        token.CopyTo(chars.AsSpan(length));
        length += token.Length;
        chars[length++] = ' ';
        starts[TokenCount] = length;
    }

    /// <summary>Tokens <paramref name="first"/>..<paramref name="first"/>+<paramref name="count"/>-1 joined by single spaces.</summary>
    public readonly ReadOnlySpan<char> Span(int first, int count) => chars.AsSpan(starts[first], starts[first + count] - starts[first] - 1);

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(chars);
        ArrayPool<int>.Shared.Return(starts);
        chars = [];
        starts = [];
    }

    private static T[] Grow<T>(T[] old, int needed)
    {
        var grown = ArrayPool<T>.Shared.Rent(Math.Max(needed, old.Length * 2));
        old.CopyTo(grown, 0);
        ArrayPool<T>.Shared.Return(old);
        return grown;
    }
}
