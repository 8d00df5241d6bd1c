namespace TextClassification.Model.Text;

/// <summary>Turns raw text into the tokens the vocabulary indexes.</summary>
public interface ITokenizer
{
    /// <summary>The name recorded in a bundle's config.json ("basic_english").</summary>
    string Name { get; }

    IReadOnlyList<string> Tokenize(string text);
}
