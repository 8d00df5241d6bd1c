using System.CommandLine;
using TextClassification.Model.Data;
using TextClassification.Model.Inference;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Commands;

/// <summary><c>textclf evaluate</c>: accuracy, per-label precision and recall, and the confusion matrix of a bundle on a data file.</summary>
internal sealed class EvaluateCommand : Command
{
    private readonly CliStreams streams;
    private readonly Option<string> model = CliOptions.Model();

    private readonly Option<string> data = new Option<string>("--data")
    {
        Description = "labelled texts to score",
        HelpName = "FILE",
        Required = true,
    }.AcceptDataFilesOnly();

    private readonly Option<bool> json = CliOptions.Json("print the report as JSON");

    public EvaluateCommand(CliStreams streams)
        : base("evaluate", "Score a model bundle on labelled texts. " + CliOptions.DataFileFormats)
    {
        this.streams = streams;
        Add(model);
        Add(data);
        Add(json);
        SetAction(Run);
    }

    private int Run(ParseResult parsed)
    {
        using var predictor = Predictor.Load(parsed.GetRequiredValue(model));
        var report = EvaluationReport.Evaluate(predictor, DataFile.Read(parsed.GetRequiredValue(data)));
        if (parsed.GetValue(json))
        {
            EvaluationOutput.WriteJson(streams.Out, report);
        }
        else
        {
            EvaluationOutput.WriteTable(streams.Out, report);
        }
        return 0;
    }
}
