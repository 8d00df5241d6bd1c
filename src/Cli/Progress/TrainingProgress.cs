using Spectre.Console;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Progress;

/// <summary>
/// Reports a training run: with a terminal on stderr, a Spectre.Console progress bar with ETA there and epoch lines
/// above it; otherwise only the epoch lines on stdout, exactly as scripts expect them.
/// </summary>
internal static class TrainingProgress
{
    public static T Run<T>(CliStreams streams, int epochs, Func<IProgressSink, T> train)
    {
        if (!streams.ErrorIsTerminal)
        {
            return train(new EpochLines(streams.Out.WriteLine, epochs));
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(streams.Error),
            Interactive = InteractionSupport.Yes,
        });
        // Lines written through the console land above the live bar; a raw write to the same screen would tear it.
        Action<string> writeLine = streams.OutIsTerminal ? line => console.WriteLine(line) : streams.Out.WriteLine;
        return console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"epoch 1/{epochs}");
                return train(new ProgressBarSink(task, new EpochLines(writeLine, epochs), epochs));
            });
    }
}
