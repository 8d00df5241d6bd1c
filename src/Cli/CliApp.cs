using System.CommandLine;
using System.CommandLine.Invocation;
using TextClassification.Cli.Commands;
using TextClassification.Model;
using TextClassification.Model.Data;

namespace TextClassification.Cli;

/// <summary>The <c>textclf</c> command line. Exit codes: 0 success, 1 a runtime failure (bad data or bundle), 2 a bad command line.</summary>
internal static class CliApp
{
    public const string Name = "textclf";

    public const int Failure = 1;
    public const int UsageError = 2;

    public static int Run(string[] args, CliStreams streams)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(streams);
        var root = new RootCommand("Train, evaluate and run an EmbeddingBag text classifier (TorchSharp); bundles load in PyTorch too.")
        {
            new TrainCommand(streams),
            new EvaluateCommand(streams),
            new PredictCommand(streams),
            new TokenizeCommand(streams),
            new CrossValidateCommand(streams),
            new EmbedCommand(streams),
        };
        // Texts may start with '@'; they are not response files.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Action is ParseErrorAction)
        {
            return ReportUsageError(streams.Error, parsed, parsed.Errors.Select(e => e.Message));
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = streams.Out, Error = streams.Error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            return ReportUsageError(streams.Error, parsed, [ex.Message]);
        }
        catch (Exception ex) when (ex is ModelLoadException or DataFormatException or ArgumentException or IOException or UnauthorizedAccessException
            or NotSupportedException)
        {
            streams.Error.WriteLine($"error: {ex.Message}");
            return Failure;
        }
    }

    private static int ReportUsageError(TextWriter error, ParseResult parsed, IEnumerable<string> messages)
    {
        foreach (string message in messages)
        {
            error.WriteLine($"error: {message}");
        }
        var command = parsed.CommandResult.Command;
        error.WriteLine(command is RootCommand
            ? $"commands: {string.Join(", ", command.Subcommands.Select(c => c.Name))}; run '{Name} --help' for usage"
            : $"run '{Name} {command.Name} --help' for usage");
        return UsageError;
    }
}
