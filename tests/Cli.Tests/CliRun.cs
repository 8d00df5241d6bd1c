namespace TextClassification.Cli.Tests;

/// <summary>What one run of <c>textclf</c> returned and wrote.</summary>
internal sealed record CliRun(int Code, string Out, string Err)
{
    /// <summary>Runs the command in process without a terminal, with empty stdin unless given.</summary>
    public static CliRun Of(params string[] args) => WithStdin("", args);

    public static CliRun WithStdin(string stdin, params string[] args) => Of(new StringReader(stdin), errorIsTerminal: false, outIsTerminal: false, args);

    /// <summary>Runs the command as if stderr (and maybe stdout) were a terminal someone watches.</summary>
    public static CliRun Of(TextReader stdin, bool errorIsTerminal, bool outIsTerminal, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, new CliStreams(stdout, stderr, stdin, errorIsTerminal, outIsTerminal));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
