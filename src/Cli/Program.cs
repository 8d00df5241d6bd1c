using TextClassification.Cli;

return CliApp.Run(args, CliStreams.FromConsole());
