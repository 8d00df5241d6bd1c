using System.Globalization;
using System.Text.RegularExpressions;

namespace TextClassification.Server.Lifecycle;

/// <summary>
/// Durations in settings: a TimeSpan string (<c>00:00:05</c>) or the short forms operators type (<c>5s</c>,
/// <c>500ms</c>, <c>2m</c>, <c>1h</c>). A bare number is refused (TimeSpan would read <c>5</c> as five days), except 0.
/// </summary>
internal static partial class Duration
{
    public const string Examples = "5s, 500ms, 2m or 00:00:05";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        if (text == "0")
        {
            return true;
        }
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }
        if (ShortForm().Match(text) is not { Success: true } match
            || !double.TryParse(match.Groups["number"].ValueSpan, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            return false;
        }
        double milliseconds = match.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "ms" => number,
            "s" => number * 1_000,
            "m" => number * 60_000,
            _ => number * 3_600_000,
        };
        if (milliseconds > TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }
        value = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>The setting <paramref name="key"/> as a duration, <paramref name="fallback"/> when absent; a bad value names the key.</summary>
    public static TimeSpan Read(IConfiguration configuration, string key, TimeSpan fallback)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }
        return TryParse(text, out var value)
            ? value
            : throw new InvalidOperationException($"{key} must be a duration such as {Examples}; got \"{text}\"");
    }

    [GeneratedRegex(@"^(?<number>\d+(\.\d+)?)\s*(?<unit>ms|s|m|h)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShortForm();
}
