using TextClassification.Cli;

return CliApp.Run(args, Console.Out, Console.Error, Console.In, !Console.IsErrorRedirected);
