using System.CommandLine;
using System.Text.Json;
using TextClassification.Model.Text;

namespace TextClassification.Cli.Commands;

/// <summary><c>textclf tokenize</c>: basic_english tokens, one JSON array per text, for parity checks against Python (tools/pytorch/ci_parity.sh).</summary>
internal sealed class TokenizeCommand : Command
{
    private readonly CliStreams streams;
    private readonly Option<string> input = CliOptions.Input("texts to tokenize: a data file's text column, or one text per line", required: true);

    public TokenizeCommand(CliStreams streams)
        : base("tokenize", "Print the basic_english tokens of each text as a JSON array per line.")
    {
        this.streams = streams;
        Add(input);
        SetAction(Run);
    }

    private int Run(ParseResult parsed)
    {
        foreach (string text in TextInput.ReadFile(parsed.GetRequiredValue(input)))
        {
            streams.Out.WriteLine(JsonSerializer.Serialize(BasicEnglishTokenizer.Instance.Tokenize(text), CliJson.Line));
        }
        return 0;
    }
}
