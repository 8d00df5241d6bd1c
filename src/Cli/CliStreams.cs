namespace TextClassification.Cli;

/// <summary>
/// Where a run of <c>textclf</c> reads and writes. <see cref="ErrorIsTerminal"/>: someone watches stderr, so training
/// draws a progress bar there; <see cref="OutIsTerminal"/>: stdout shares that screen, so epoch lines go above the bar.
/// </summary>
internal sealed record CliStreams(TextWriter Out, TextWriter Error, TextReader In, bool ErrorIsTerminal = false, bool OutIsTerminal = false)
{
    public static CliStreams FromConsole() =>
        new(Console.Out, Console.Error, Console.In, !Console.IsErrorRedirected, !Console.IsOutputRedirected);
}
