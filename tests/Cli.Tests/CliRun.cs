namespace TextClassification.Cli.Tests;

/// <summary>What one run of <c>textclf</c> returned and wrote.</summary>
internal sealed record CliRun(int Code, string Out, string Err)
{
    /// <summary>Runs the command in process without a terminal, with empty stdin unless given.</summary>
    public static CliRun Of(params string[] args) => WithStdin("", args);

    public static CliRun WithStdin(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CliApp.Run(args, new CliStreams(stdout, stderr, new StringReader(stdin)));
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }
}
