using System.Globalization;
using System.Text.RegularExpressions;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>One sample of a scrape: <c>name{label="value",...} value</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.GetValueOrDefault(label);
}

/// <summary>A /metrics answer in the Prometheus text format, parsed into samples.</summary>
public sealed partial class PrometheusScrape
{
    private PrometheusScrape(string text, IReadOnlyList<PrometheusSample> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Every time series, as name plus sorted labels.</summary>
    public IReadOnlySet<string> Series => Samples.Select(s => s.Name + "{" + string.Join(",", s.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}").ToHashSet();

    public static PrometheusScrape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        foreach (string line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            samples.Add(new PrometheusSample(match.Groups["name"].Value, labels, ParseValue(match.Groups["value"].Value)));
        }
        return new PrometheusScrape(text, samples);
    }

    public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);

    /// <summary>The sum over the series of <paramref name="name"/> whose labels include <paramref name="labels"/>; 0 when there are none.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Named(name).Where(s => labels.All(l => s[l.Label] == l.Value)).Sum(s => s.Value);

    /// <summary>The finite bucket boundaries (<c>le</c>) of a histogram's first series.</summary>
    public IReadOnlyList<double> BucketBoundaries(string histogram)
    {
        var first = Named(histogram + "_bucket").First();
        var seriesLabels = first.Labels.Where(l => l.Key != "le").ToList();
        return [.. Named(histogram + "_bucket")
            .Where(s => seriesLabels.All(l => s[l.Key] == l.Value) && s["le"] != "+Inf")
            .Select(s => ParseValue(s["le"]!))];
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
