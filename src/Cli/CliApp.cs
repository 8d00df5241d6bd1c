using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using TextClassification.Model;
using TextClassification.Model.Bundles;
using TextClassification.Model.Data;
using TextClassification.Model.Inference;
using TextClassification.Model.Text;
using TextClassification.Model.Training;

namespace TextClassification.Cli;

/// <summary>The <c>textclf</c> command: <c>train</c>, <c>evaluate</c> and <c>predict</c>. Exit codes: 0 ok, 1 failure, 2 usage.</summary>
internal static class CliApp
{
    private const string Usage = """
        usage: textclf <command> [options]

          train     --train FILE [--train FILE ...] --test FILE --out DIR
                    [--lr 5] [--batch-size 64] [--epochs 15] [--embed-dim 32] [--min-freq 3] [--max-tokens N]
                    [--optimizer sgd|adam] [--lr-step 1] [--lr-gamma 0.9] [--clip 0.1] [--accumulate 1]
                    [--seed 42] [--threads 1]
          evaluate  --model DIR --data FILE [--json]
          predict   --model DIR [--json] [--input FILE] [TEXT ...]   (no TEXT and no --input: one text per stdin line)
          tokenize  --input FILE                                     (basic_english tokens, one JSON array per text)

        Data files: .csv/.tsv with a header naming "text" and "label" columns, or .jsonl with {"text","label"} per line;
        any of them may be gzip-compressed (.gz).
        """;

    private static readonly JsonSerializerOptions JsonOutput = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions JsonLine = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin, bool interactive)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            var rest = args[1..];
            return args[0] switch
            {
                "train" => Train(rest, stdout, stderr, interactive),
                "evaluate" => Evaluate(rest, stdout),
                "predict" => Predict(rest, stdout, stdin),
                "tokenize" => Tokenize(rest, stdout),
                _ => throw new UsageException($"unknown command \"{args[0]}\"; expected train, evaluate or predict"),
            };
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"error: {ex.Message}");
            stderr.WriteLine("run 'textclf --help' for usage");
            return 2;
        }
        catch (Exception ex) when (ex is ModelLoadException or DataFormatException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static int Train(string[] args, TextWriter stdout, TextWriter stderr, bool interactive)
    {
        var a = new Arguments(args,
            new HashSet<string> { "train", "test", "out", "lr", "batch-size", "epochs", "embed-dim", "min-freq", "max-tokens", "optimizer", "lr-step", "lr-gamma", "clip", "accumulate", "seed", "threads" },
            new HashSet<string>());
        NoPositional(a);
        var trainFiles = a.All("train");
        if (trainFiles.Count == 0)
        {
            throw new UsageException("--train is required (a data file; repeat it for several)");
        }
        string testFile = a.Required("test");
        string output = a.Required("out");
        var defaults = new TrainingOptions();
        string? maxTokens = a.Optional("max-tokens");
        var options = new TrainingOptions
        {
            LearningRate = a.Double("lr", defaults.LearningRate),
            BatchSize = a.Int("batch-size", defaults.BatchSize, min: 1),
            Epochs = a.Int("epochs", defaults.Epochs, min: 1),
            EmbedDim = a.Int("embed-dim", defaults.EmbedDim, min: 1),
            MinFreq = a.Int("min-freq", defaults.MinFreq, min: 1),
            MaxTokens = maxTokens is null ? null : a.Int("max-tokens", 0, min: 2),
            Optimizer = (a.Optional("optimizer") ?? "sgd").ToLowerInvariant() switch
            {
                "sgd" => OptimizerKind.Sgd,
                "adam" => OptimizerKind.Adam,
                var other => throw new UsageException($"--optimizer must be sgd or adam (got \"{other}\")"),
            },
            LrStepEpochs = a.Int("lr-step", defaults.LrStepEpochs, min: 0),
            LrGamma = a.Double("lr-gamma", defaults.LrGamma),
            ClipGradNorm = a.Double("clip", defaults.ClipGradNorm),
            AccumulationSteps = a.Int("accumulate", defaults.AccumulationSteps, min: 1),
            Seed = a.Int("seed", defaults.Seed),
            Threads = a.Int("threads", defaults.Threads, min: 1),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }

        var train = trainFiles.SelectMany(DataFile.Read).ToList();
        var test = DataFile.Read(testFile);
        stdout.WriteLine($"train: {train.Count} texts from {string.Join(", ", trainFiles)}; test: {test.Count} texts from {testFile}");
        var result = new Trainer(options).Train(train, test, new ConsoleProgress(stdout, stderr, options.Epochs, interactive));
        using var model = result.Model;

        var provenance = new JsonObject
        {
            ["trainer"] = $"textclf {typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev"} (TorchSharp)",
            ["created_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["hyperparameters"] = new JsonObject
            {
                ["learning_rate"] = options.LearningRate,
                ["batch_size"] = options.BatchSize,
                ["epochs"] = options.Epochs,
                ["embed_dim"] = options.EmbedDim,
                ["min_freq"] = options.MinFreq,
                ["max_tokens"] = options.MaxTokens,
                ["optimizer"] = options.Optimizer.ToString().ToLowerInvariant(),
                ["lr_step_epochs"] = options.LrStepEpochs,
                ["lr_gamma"] = options.LrGamma,
                ["clip_grad_norm"] = options.ClipGradNorm,
                ["accumulation_steps"] = options.AccumulationSteps,
                ["seed"] = options.Seed,
                ["threads"] = options.Threads,
            },
            ["data"] = new JsonArray([.. trainFiles.Append(testFile).Select(f => (JsonNode)new JsonObject
            {
                ["file"] = Path.GetFileName(f),
                ["role"] = trainFiles.Contains(f) ? "train" : "test",
                ["sha256"] = FileHash.Sha256(f),
            })]),
            ["metrics"] = new JsonObject
            {
                ["test_accuracy"] = Math.Round(result.Final.TestAccuracy, 6),
                ["test_loss"] = Math.Round(result.Final.TestLoss, 6),
                ["train_loss"] = Math.Round(result.Final.TrainLoss, 6),
                ["train_examples"] = train.Count,
                ["test_examples"] = test.Count,
                ["seconds_per_epoch"] = Math.Round(result.Epochs.Average(e => e.Elapsed.TotalSeconds), 3),
            },
        };
        ModelBundle.Save(output, model, result.Vocabulary, result.Labels, provenance);
        stdout.WriteLine($"saved bundle to {output} (vocab {result.Vocabulary.Count}, embed {options.EmbedDim}, labels {string.Join(", ", result.Labels)}); "
            + $"test accuracy {result.Final.TestAccuracy:P2}");
        return 0;
    }

    private static int Evaluate(string[] args, TextWriter stdout)
    {
        var a = new Arguments(args, new HashSet<string> { "model", "data" }, new HashSet<string> { "json" });
        NoPositional(a);
        string modelDir = a.Required("model");
        string dataFile = a.Required("data");
        using var predictor = Predictor.Load(modelDir);
        var report = EvaluationReport.Evaluate(predictor, DataFile.Read(dataFile));
        if (a.Flag("json"))
        {
            stdout.WriteLine(JsonSerializer.Serialize(new JsonObject
            {
                ["count"] = report.Count,
                ["accuracy"] = report.Accuracy,
                ["labels"] = new JsonArray([.. report.Labels.Select(l => (JsonNode)l)]),
                ["precision"] = new JsonArray([.. report.Precision.Select(p => (JsonNode)p)]),
                ["recall"] = new JsonArray([.. report.Recall.Select(r => (JsonNode)r)]),
                ["confusion"] = new JsonArray([.. report.Confusion.Select(row => (JsonNode)new JsonArray([.. row.Select(v => (JsonNode)v)]))]),
            }, JsonOutput));
            return 0;
        }
        stdout.WriteLine($"{report.Count} texts, accuracy {report.Accuracy:P2}");
        int width = Math.Max(10, report.Labels.Max(l => l.Length) + 2);
        stdout.WriteLine($"{"label".PadRight(width)}{"precision",10}{"recall",10}");
        for (int i = 0; i < report.Labels.Count; i++)
        {
            stdout.WriteLine($"{report.Labels[i].PadRight(width)}{report.Precision[i],10:P2}{report.Recall[i],10:P2}");
        }
        stdout.WriteLine("confusion matrix (rows: actual, columns: predicted)");
        stdout.WriteLine("".PadRight(width) + string.Concat(report.Labels.Select(l => l.PadLeft(width))));
        for (int i = 0; i < report.Labels.Count; i++)
        {
            stdout.WriteLine(report.Labels[i].PadRight(width) + string.Concat(report.Confusion[i].Select(v => v.ToString(CultureInfo.InvariantCulture).PadLeft(width))));
        }
        return 0;
    }

    private static int Predict(string[] args, TextWriter stdout, TextReader stdin)
    {
        var a = new Arguments(args, new HashSet<string> { "model", "input" }, new HashSet<string> { "json" });
        string modelDir = a.Required("model");
        string? input = a.Optional("input");
        if (input is not null && a.Positional.Count > 0)
        {
            throw new UsageException("give texts either as arguments or with --input, not both");
        }
        var texts = input is not null ? ReadTexts(input)
            : a.Positional.Count > 0 ? a.Positional
            : ReadLines(stdin);
        if (texts.Count == 0)
        {
            throw new UsageException("no text to classify: pass texts as arguments, --input FILE, or lines on stdin");
        }
        using var predictor = Predictor.Load(modelDir);
        var predictions = predictor.Predict(texts);
        if (a.Flag("json"))
        {
            var array = new JsonArray();
            for (int i = 0; i < texts.Count; i++)
            {
                var p = predictions[i];
                var probabilities = new JsonObject();
                for (int c = 0; c < predictor.Labels.Count; c++)
                {
                    probabilities[predictor.Labels[c]] = p.Probabilities[c];
                }
                array.Add(new JsonObject
                {
                    ["text"] = texts[i],
                    ["tokens"] = new JsonArray([.. predictor.Tokenize(texts[i]).Select(t => (JsonNode)t)]),
                    ["ids"] = new JsonArray([.. predictor.Encode(texts[i]).Select(id => (JsonNode)id)]),
                    ["logits"] = new JsonArray([.. p.Logits.Select(l => (JsonNode)l)]),
                    ["probabilities"] = probabilities,
                    ["label"] = p.Label,
                });
            }
            stdout.WriteLine(array.ToJsonString(JsonOutput));
            return 0;
        }
        for (int i = 0; i < texts.Count; i++)
        {
            string preview = texts[i].Length > 60 ? texts[i][..57] + "..." : texts[i];
            stdout.WriteLine($"{predictions[i].Label}\t{predictions[i].Score:F4}\t{preview.ReplaceLineEndings(" ")}");
        }
        return 0;
    }

    /// <summary>For tokenizer parity checks against Python over whole corpora (tools/pytorch/ci_parity.sh).</summary>
    private static int Tokenize(string[] args, TextWriter stdout)
    {
        var a = new Arguments(args, new HashSet<string> { "input" }, new HashSet<string>());
        NoPositional(a);
        foreach (string text in ReadTexts(a.Required("input")))
        {
            stdout.WriteLine(JsonSerializer.Serialize(BasicEnglishTokenizer.Instance.Tokenize(text), JsonLine));
        }
        return 0;
    }

    private static List<string> ReadTexts(string path)
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        if (Path.GetExtension(name).ToLowerInvariant() is ".jsonl" or ".csv" or ".tsv" or ".ndjson")
        {
            return [.. DataFile.ReadTexts(path)];
        }
        using var reader = new StreamReader(path);
        return ReadLines(reader);
    }

    private static List<string> ReadLines(TextReader reader)
    {
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                lines.Add(line);
            }
        }
        return lines;
    }

    private static void NoPositional(Arguments a)
    {
        if (a.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument \"{a.Positional[0]}\"");
        }
    }
}
