using System.CommandLine;
using System.Text.Json.Nodes;
using TextClassification.Model.Inference;

namespace TextClassification.Cli.Commands;

/// <summary>
/// <c>textclf embed</c>: the feature vector (EmbeddingBag output) of texts given as arguments, in a file
/// (<c>--input</c>), or one per line on stdin; one JSON line per text, <c>{"text", "embedding"}</c>, in input order.
/// </summary>
internal sealed class EmbedCommand : Command
{
    private const int ChunkSize = 1024; // texts per forward: bounds the memory of a large input file

    private readonly CliStreams streams;
    private readonly Option<string> model = CliOptions.Model();
    private readonly Option<string> input = CliOptions.Input("texts to embed: a data file's text column, or one text per line", required: false);
    private readonly Option<bool> normalize = new("--normalize") { Description = "scale each vector to unit L2 norm (a zero vector stays zero)" };

    private readonly Argument<string[]> texts = new("TEXT")
    {
        Description = "texts to embed (none and no --input: one text per line on stdin)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public EmbedCommand(CliStreams streams)
        : base("embed", "Print the feature vector (the EmbeddingBag's mean) of texts as JSON lines.")
    {
        this.streams = streams;
        Add(model);
        Add(input);
        Add(normalize);
        Add(texts);
        Validators.Add(result => TextInput.RejectBoth(result, input, texts));
        SetAction(Run);
    }

    private int Run(ParseResult parsed)
    {
        var batch = TextInput.Gather(parsed, input, texts, streams.In, "embed");
        using var predictor = Predictor.Load(parsed.GetRequiredValue(model));
        bool unit = parsed.GetValue(normalize);
        for (int start = 0; start < batch.Count; start += ChunkSize)
        {
            var chunk = batch.Skip(start).Take(ChunkSize).ToList();
            var embeddings = predictor.EmbedEncoded([.. chunk.Select(predictor.Encode)]);
            for (int i = 0; i < chunk.Count; i++)
            {
                var vector = unit ? EmbeddingVector.Normalize(embeddings[i]) : embeddings[i];
                var line = new JsonObject { ["text"] = chunk[i], ["embedding"] = new JsonArray([.. vector.Select(x => (JsonNode)x)]) };
                streams.Out.WriteLine(line.ToJsonString(CliJson.Line));
            }
        }
        return 0;
    }
}
