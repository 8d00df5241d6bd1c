using System.CommandLine;
using TextClassification.Model.Inference;

namespace TextClassification.Cli.Commands;

/// <summary><c>textclf predict</c>: classifies texts given as arguments, in a file (<c>--input</c>), or one per line on stdin.</summary>
internal sealed class PredictCommand : Command
{
    private readonly CliStreams streams;
    private readonly Option<string> model = CliOptions.Model();
    private readonly Option<bool> json = CliOptions.Json("print tokens, ids, logits and probabilities as JSON");
    private readonly Option<string> input = CliOptions.Input("texts to classify: a data file's text column, or one text per line", required: false);

    private readonly Argument<string[]> texts = new("TEXT")
    {
        Description = "texts to classify (none and no --input: one text per line on stdin)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public PredictCommand(CliStreams streams)
        : base("predict", "Classify texts with a model bundle.")
    {
        this.streams = streams;
        Add(model);
        Add(json);
        Add(input);
        Add(texts);
        Validators.Add(result => TextInput.RejectBoth(result, input, texts));
        SetAction(Run);
    }

    private int Run(ParseResult parsed)
    {
        var batch = TextInput.Gather(parsed, input, texts, streams.In, "classify");
        using var predictor = Predictor.Load(parsed.GetRequiredValue(model));
        var predictions = predictor.Predict(batch);
        if (parsed.GetValue(json))
        {
            PredictionOutput.WriteJson(streams.Out, predictor, batch, predictions);
        }
        else
        {
            PredictionOutput.WriteLines(streams.Out, batch, predictions);
        }
        return 0;
    }
}
