using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TextClassification.Model.Data;

namespace TextClassification.Cli;

/// <summary>Typed options shared by the commands; each checks its value while parsing, so a bad one is a usage error (exit 2).</summary>
internal static class CliOptions
{
    public const string DataFileFormats =
        "Data files: .csv/.tsv with a header naming \"text\" and \"label\", or .jsonl with {\"text\", \"label\"} per line; any may be .gz.";

    private static readonly string DataFileKinds = $"{string.Join(", ", DataFile.Extensions.Order(StringComparer.Ordinal))} (optionally .gz)";

    public static Option<string> Model() => Check(new Option<string>("--model")
    {
        Description = "the model bundle directory (config.json, vocab.json, weights)",
        HelpName = "DIR",
        Required = true,
    }, path => Directory.Exists(path) ? null : File.Exists(path) ? "is a file, not a bundle directory" : "does not exist");

    public static Option<bool> Json(string description) => new("--json") { Description = description };

    /// <summary>
    /// The parser hands an unknown option to a TEXT argument as a word; the first such word before <c>--</c> (after it a
    /// text may start with <c>--</c>), or null.
    /// </summary>
    public static string? UnknownOption(ParseResult parsed, Argument<string[]> texts)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        string[] given = parsed.GetValue(texts) ?? [];
        return parsed.Tokens.TakeWhile(token => token.Type != TokenType.DoubleDash)
            .FirstOrDefault(token => token.Type == TokenType.Argument && token.Value.StartsWith("--", StringComparison.Ordinal) && given.Contains(token.Value))?.Value;
    }

    /// <summary>A text file: a data file's text column, or one text per line for any other extension.</summary>
    public static Option<string> Input(string description, bool required) => Check(new Option<string>("--input")
    {
        Description = description,
        HelpName = "FILE",
        Required = required,
    }, path => File.Exists(path) ? null : Directory.Exists(path) ? "is a directory, not a file" : "does not exist");

    /// <summary>A labelled data file (<see cref="DataFile"/>); the extension is checked here, the records when read.</summary>
    public static Option<T> AcceptDataFilesOnly<T>(this Option<T> option) => Check(option, path =>
        !File.Exists(path) ? (Directory.Exists(path) ? "is a directory, not a data file" : "does not exist")
        : DataFile.IsSupported(path) ? null
        : $"is not a data file; use {DataFileKinds}");

    public static Option<int> Integer(string name, string description, int defaultValue, int min, int max = int.MaxValue) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseInteger(result, name, min, max) ?? defaultValue,
    };

    /// <summary>An integer with no default: null when the option is absent.</summary>
    public static Option<int?> OptionalInteger(string name, string description, int min) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = result => ParseInteger(result, name, min),
    };

    public static Option<double> Number(string name, string description, double defaultValue) => new(name)
    {
        Description = description,
        HelpName = "NUMBER",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
            {
                return value;
            }
            result.AddError($"{name} must be a number (got \"{text}\")");
            return defaultValue;
        },
    };

    private static int? ParseInteger(ArgumentResult result, string name, int min, int max = int.MaxValue)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            result.AddError($"{name} must be an integer (got \"{text}\")");
            return null;
        }
        if (value < min)
        {
            result.AddError($"{name} must be at least {min} (got {value})");
            return null;
        }
        if (value > max)
        {
            result.AddError($"{name} must be at most {max} (got {value})");
            return null;
        }
        return value;
    }

    /// <summary>Adds a validator that reports <c>--name PATH: problem</c> for every given path with a problem.</summary>
    private static TOption Check<TOption>(TOption option, Func<string, string?> problem)
        where TOption : Option
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (problem(token.Value) is { } message)
                {
                    result.AddError($"{option.Name} {token.Value}: {message}");
                }
            }
        });
        return option;
    }
}
