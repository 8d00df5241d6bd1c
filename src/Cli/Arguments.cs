using System.Globalization;

namespace TextClassification.Cli;

/// <summary>A bad command line; the message says what is wrong. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Parses <c>--name value</c>, <c>--name=value</c> and <c>--flag</c> options plus positional arguments.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> flags = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flagOptions)
    {
        var queue = new Queue<string>(args);
        bool onlyPositional = false;
        while (queue.Count > 0)
        {
            string arg = queue.Dequeue();
            if (onlyPositional || !arg.StartsWith("--", StringComparison.Ordinal) || arg == "-")
            {
                Positional.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                onlyPositional = true;
                continue;
            }
            string name = arg[2..];
            string? inline = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }
            if (flagOptions.Contains(name))
            {
                if (inline is not null)
                {
                    throw new UsageException($"--{name} takes no value");
                }
                flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                string value = inline ?? (queue.Count > 0 && !queue.Peek().StartsWith("--", StringComparison.Ordinal)
                    ? queue.Dequeue()
                    : throw new UsageException($"--{name} needs a value"));
                if (!values.TryGetValue(name, out var list))
                {
                    values[name] = list = [];
                }
                list.Add(value);
            }
            else
            {
                var known = valueOptions.Concat(flagOptions).Order(StringComparer.Ordinal).Select(o => "--" + o);
                throw new UsageException($"unknown option --{name} (known: {string.Join(", ", known)})");
            }
        }
    }

    public List<string> Positional { get; } = [];

    public bool Flag(string name) => flags.Contains(name);

    public IReadOnlyList<string> All(string name) => values.TryGetValue(name, out var list) ? list : [];

    public string? Optional(string name)
    {
        var all = All(name);
        return all.Count switch
        {
            0 => null,
            1 => all[0],
            _ => throw new UsageException($"--{name} is given {all.Count} times; give it once"),
        };
    }

    public string Required(string name) => Optional(name) ?? throw new UsageException($"--{name} is required");

    public int Int(string name, int fallback, int min = int.MinValue)
    {
        string? text = Optional(name);
        if (text is null)
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            throw new UsageException($"--{name} must be an integer (got \"{text}\")");
        }
        return value >= min ? value : throw new UsageException($"--{name} must be at least {min} (got {value})");
    }

    public double Double(string name, double fallback)
    {
        string? text = Optional(name);
        if (text is null)
        {
            return fallback;
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"--{name} must be a number (got \"{text}\")");
    }
}
