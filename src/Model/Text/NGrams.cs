namespace TextClassification.Model.Text;

/// <summary>
/// torchtext's <c>ngrams_iterator(token_list, ngrams)</c> (torchtext/data/utils.py): every token in order, then for
/// n = 2..N every run of n consecutive tokens joined by a single space, in text order. A text with fewer than n tokens
/// has no n-grams; N ≤ 1 yields just the tokens. These are the terms the vocabulary and the model see.
/// </summary>
public static class NGrams
{
    /// <summary>The largest N accepted by <c>textclf train --ngrams</c> and in a bundle's <c>config.json</c>.</summary>
    /// <remarks>A bound on the work per text: each step adds about one vocabulary lookup per token to every prediction.</remarks>
    public const int Max = 6;

    /// <summary>The terms of <paramref name="tokens"/> in <c>ngrams_iterator</c> order.</summary>
    public static List<string> Expand(IReadOnlyList<string> tokens, int n)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var terms = new List<string>(Count(tokens.Count, n));
        terms.AddRange(tokens);
        for (int size = 2; size <= n; size++)
        {
            for (int first = 0; first + size <= tokens.Count; first++)
            {
                terms.Add(string.Join(' ', tokens.Skip(first).Take(size)));
            }
        }
        return terms;
    }

    /// <summary>How many terms <see cref="Expand"/> gives for <paramref name="tokenCount"/> tokens.</summary>
    public static int Count(int tokenCount, int n)
    {
        int count = tokenCount;
        for (int size = 2; size <= n; size++)
        {
            count += Math.Max(0, tokenCount - size + 1);
        }
        return count;
    }

    /// <summary>Null when <paramref name="n"/> is a valid N, else what is wrong with it.</summary>
    public static string? Problem(long n) => n is >= 1 and <= Max ? null : $"must be an integer from 1 to {Max} (got {n})";
}
