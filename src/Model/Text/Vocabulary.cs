using System.Text.Json;

namespace TextClassification.Model.Text;

/// <summary>
/// A token ↔ id mapping with the semantics of torchtext's <c>build_vocab_from_iterator</c>: specials first, then tokens
/// by descending frequency and ascending token (ordinal, as Python compares strings), unknown tokens map to <c>&lt;unk&gt;</c>.
/// </summary>
public sealed class Vocabulary
{
    public const string UnknownToken = "<unk>";

    private readonly Dictionary<string, int> stoi;
    private readonly TokenTable table;
    private readonly string[] itos;

    public Vocabulary(IEnumerable<string> itos, string defaultToken = UnknownToken)
    {
        ArgumentNullException.ThrowIfNull(itos);
        this.itos = [.. itos];
        stoi = new Dictionary<string, int>(this.itos.Length, StringComparer.Ordinal);
        for (int id = 0; id < this.itos.Length; id++)
        {
            if (this.itos[id] is null)
            {
                throw new ArgumentException($"token {id} is null", nameof(itos));
            }
            if (!stoi.TryAdd(this.itos[id], id))
            {
                throw new ArgumentException($"token \"{this.itos[id]}\" appears twice (ids {stoi[this.itos[id]]} and {id})", nameof(itos));
            }
        }
        if (!stoi.TryGetValue(defaultToken, out int defaultIndex))
        {
            throw new ArgumentException($"the vocabulary has no \"{defaultToken}\" token for unknown words", nameof(itos));
        }
        DefaultIndex = defaultIndex;
        table = new TokenTable(this.itos);
    }

    /// <summary>String to id, as torchtext's <c>vocab.get_stoi()</c> / the notes' <c>field.vocab.stoi</c>.</summary>
    public IReadOnlyDictionary<string, int> Stoi => stoi;

    /// <summary>Id to string, as torchtext's <c>vocab.get_itos()</c>.</summary>
    public IReadOnlyList<string> Itos => itos;

    /// <summary>The id unknown tokens get: that of <c>&lt;unk&gt;</c>.</summary>
    public int DefaultIndex { get; }

    public int Count => itos.Length;

    /// <summary>The id of <paramref name="token"/>, or <see cref="DefaultIndex"/> when it is not in the vocabulary.</summary>
    public int this[string token] => this[token.AsSpan()];

    /// <summary>As <see cref="this[string]"/> without allocating a string for the token.</summary>
    public int this[ReadOnlySpan<char> token] => table.Find(token) is var id and >= 0 ? id : DefaultIndex;

    public bool Contains(string token) => stoi.ContainsKey(token);

    /// <summary>Tokenizes <paramref name="text"/> and appends the ids (the notes' "indexing") to <paramref name="ids"/>.</summary>
    public void Encode(string text, BasicEnglishTokenizer tokenizer, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var sink = new IdSink(this, ids);
        tokenizer.Tokenize(text, ref sink);
    }

    /// <summary>
    /// As <see cref="Encode(string, BasicEnglishTokenizer, List{int})"/> for the terms of <see cref="NGrams"/>: the ids of
    /// the tokens, then of the n-grams up to <paramref name="ngrams"/>, looked up as spans without building strings.
    /// </summary>
    public void Encode(string text, BasicEnglishTokenizer tokenizer, List<int> ids, int ngrams)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(ids);
        if (ngrams <= 1)
        {
            Encode(text, tokenizer, ids);
            return;
        }
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new NGramBuffer(text.Length * 2);
        try
        {
            tokenizer.Tokenize(text, ref buffer);
            int tokens = buffer.TokenCount;
            ids.EnsureCapacity(ids.Count + NGrams.Count(tokens, ngrams));
            for (int size = 1; size <= ngrams; size++)
            {
                for (int first = 0; first + size <= tokens; first++)
                {
                    ids.Add(this[buffer.Span(first, size)]);
                }
            }
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private readonly struct IdSink(Vocabulary vocabulary, List<int> ids) : ITokenSink
    {
        public void Add(ReadOnlySpan<char> token) => ids.Add(vocabulary[token]);
    }

    /// <summary>Builds a vocabulary from tokenized texts like <c>build_vocab_from_iterator(..., specials=["&lt;unk&gt;"])</c>.</summary>
    public static Vocabulary Build(IEnumerable<IEnumerable<string>> tokenizedTexts, int minFreq = 1, int? maxTokens = null, IReadOnlyList<string>? specials = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizedTexts);
        ArgumentOutOfRangeException.ThrowIfLessThan(minFreq, 1);
        specials ??= [UnknownToken];
        if (maxTokens is int max && max <= specials.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), $"max_tokens must be greater than the {specials.Count} special token(s)");
        }
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var tokens in tokenizedTexts)
        {
            foreach (var token in tokens)
            {
                counts[token] = counts.GetValueOrDefault(token) + 1;
            }
        }
        // torchtext truncates to max_tokens first, then drops specials and rare tokens (so max_tokens is an upper bound).
        IEnumerable<KeyValuePair<string, int>> ordered = counts
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key, PythonStringComparer.Instance);
        if (maxTokens is int limit)
        {
            ordered = ordered.Take(limit - specials.Count);
        }
        var kept = ordered.Where(pair => pair.Value >= minFreq && !specials.Contains(pair.Key)).Select(pair => pair.Key);
        return new Vocabulary(specials.Concat(kept), specials.Contains(UnknownToken) ? UnknownToken : specials[0]);
    }

    /// <summary>Ids for <paramref name="tokens"/> (the notes' "indexing").</summary>
    public int[] Lookup(IEnumerable<string> tokens) => [.. tokens.Select(token => this[token])];

    /// <summary>Reads <c>vocab.json</c>: a JSON array of tokens whose index is the id.</summary>
    public static Vocabulary Load(string path)
    {
        string[]? tokens;
        try
        {
            using var stream = File.OpenRead(path);
            tokens = JsonSerializer.Deserialize(stream, ModelJsonContext.Default.StringArray);
        }
        catch (JsonException ex)
        {
            throw new ModelLoadException(path, $"is not a JSON array of strings ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(path, $"cannot be read: {ex.Message}", ex);
        }
        if (tokens is null || tokens.Length == 0)
        {
            throw new ModelLoadException(path, "holds no tokens; expected a JSON array of strings whose index is the id");
        }
        try
        {
            return new Vocabulary(tokens);
        }
        catch (ArgumentException ex)
        {
            throw new ModelLoadException(path, ex.Message.Split(" (Parameter")[0], ex);
        }
    }

    /// <summary>Writes <c>vocab.json</c>: a JSON array of tokens whose index is the id.</summary>
    public void Save(string path)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, ModelJsonContext.FileWriterOptions(indented: false));
        JsonSerializer.Serialize(writer, itos, ModelJsonContext.Default.StringArray);
    }
}
