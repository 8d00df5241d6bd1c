using System.Text.Json.Nodes;
using TextClassification.Model.Bundles;
using TextClassification.Model.Inference;
using TextClassification.Model.Modeling;
using TextClassification.Model.Text;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TextClassification.Model.Tests;

public sealed class BundleTests : IClassFixture<BundleTests.SavedBundle>
{
    private readonly SavedBundle saved;

    public BundleTests(SavedBundle saved) => this.saved = saved;

    public sealed class SavedBundle : IDisposable
    {
        public SavedBundle()
        {
            var result = TinyData.TrainModel(epochs: 5);
            Model = result.Model;
            Vocabulary = result.Vocabulary;
            Labels = result.Labels;
            ModelBundle.Save(Dir.Path, Model, Vocabulary, Labels, new JsonObject { ["trainer"] = "test" });
        }

        public TempDir Dir { get; } = new();

        public TextClassifier Model { get; }

        public Vocabulary Vocabulary { get; }

        public IReadOnlyList<string> Labels { get; }

        /// <summary>A copy of the bundle that a test may damage.</summary>
        public TempDir Copy()
        {
            var copy = new TempDir();
            foreach (var file in Directory.GetFiles(Dir.Path))
            {
                File.Copy(file, copy.File(Path.GetFileName(file)));
            }
            return copy;
        }

        public void Dispose()
        {
            Model.Dispose();
            Dir.Dispose();
        }
    }

    [Fact]
    public void SaveThenLoadGivesIdenticalWeightsAndLogits()
    {
        string[] texts = ["win a free prize", "lunch on monday", "zzz unknown words", ";;; :::"];
        using var bundle = ModelBundle.Load(saved.Dir.Path);
        foreach (var (key, tensor) in saved.Model.state_dict())
        {
            Assert.True(tensor.allclose(bundle.Classifier!.state_dict()[key], rtol: 0, atol: 0), $"{key} differs after save/load");
        }
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        saved.Model.eval();
        var ids = texts.Select(t => saved.Vocabulary.Lookup(BasicEnglishTokenizer.Instance.Tokenize(t))).ToList();
        var (text, offsets) = TextBatch.Collate(ids);
        Assert.Equal(saved.Model.call(text, offsets).data<float>().ToArray(), bundle.Module.call(text, offsets).data<float>().ToArray());
    }

    [Fact]
    public void BundleHoldsConfigVocabAndPyTorchWeights()
    {
        using var bundle = ModelBundle.Load(saved.Dir.Path);
        Assert.Equal("text_classification", bundle.Config.Architecture);
        Assert.Equal(saved.Vocabulary.Count, bundle.Config.VocabSize);
        Assert.Equal(["ham", "spam"], bundle.Labels);
        Assert.Equal("basic_english", bundle.Config.Tokenizer);
        Assert.Equal("test", bundle.Config.Provenance?["trainer"]?.GetValue<string>());
        Assert.True(File.Exists(saved.Dir.File("model_weights.pth")));
        Assert.Equal(64, bundle.WeightsSha256.Length);
        Assert.Equal((saved.Vocabulary.Count * 8) + (2 * 8) + 2, bundle.ParameterCount);
        // PyTorch's zip format: torch.load() reads it (checked for real by tools/pytorch/verify.py in CI).
        Assert.Equal("PK"u8.ToArray(), File.ReadAllBytes(saved.Dir.File("model_weights.pth"))[..2]);
    }

    [Fact]
    public void LoadedModelIsInEvalModeAndCanBeFineTuned()
    {
        using var bundle = ModelBundle.Load(saved.Dir.Path);
        var model = bundle.Classifier!;
        Assert.False(model.training);
        var test = TrainingFor(bundle);
        var trainer = new Training.Trainer(TinyData.Options(epochs: 1));
        var before = model.state_dict()["fc.weight"].clone();
        trainer.Fit(model, test, test);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));
        Assert.False(before.allclose(model.state_dict()["fc.weight"]));
    }

    [Fact]
    public void ReportsAMissingDirectory()
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelBundle.Load("/nonexistent/bundle"));
        Assert.Equal("/nonexistent/bundle: does not exist; expected a bundle directory holding config.json, vocab.json and the weights", ex.Message);
    }

    [Fact]
    public void ReportsAMissingConfig()
    {
        using var dir = saved.Copy();
        File.Delete(dir.File("config.json"));
        AssertLoadError(dir, "config.json", "is missing");
    }

    [Theory]
    [InlineData("{\"architecture\": ", "is not valid JSON")]
    [InlineData("{\"architecture\": \"text_classification\",}", "is not valid JSON")]
    [InlineData("[]", "is not valid JSON")]
    public void ReportsBadJsonInConfig(string json, string problem)
    {
        using var dir = saved.Copy();
        File.WriteAllText(dir.File("config.json"), json);
        AssertLoadError(dir, "config.json", problem);
    }

    [Theory]
    [InlineData("architecture", "\"resnet\"", "has architecture \"resnet\"")]
    [InlineData("num_class", "3", "lists 2 labels but num_class is 3")]
    [InlineData("labels", "[\"ham\", \"ham\"]", "has duplicate labels")]
    [InlineData("tokenizer", "\"spacy\"", "only \"basic_english\" is supported")]
    [InlineData("vocab_size", "0", "needs a positive integer \"vocab_size\"")]
    [InlineData("embed_dim", "null", "needs a positive integer \"embed_dim\"")]
    [InlineData("labels", "null", "has no \"labels\" list")]
    [InlineData("labels", "[\"ham\", \"\"]", "has an empty or null label")]
    [InlineData("tokenizer", "null", "has no \"tokenizer\"")]
    [InlineData("vocab", "\"\"", "has no \"vocab\" file name")]
    [InlineData("weights", "\"../../etc/passwd\"", "points outside the bundle directory")]
    [InlineData("ngrams", "0", "has \"ngrams\" that must be an integer from 1 to 6 (got 0)")]
    [InlineData("ngrams", "7", "has \"ngrams\" that must be an integer from 1 to 6 (got 7)")]
    [InlineData("ngrams", "-2", "(got -2)")]
    [InlineData("ngrams", "\"2\"", "is not valid JSON for a bundle config")]
    [InlineData("ngrams", "2.5", "is not valid JSON for a bundle config")]
    [InlineData("ngrams", "true", "is not valid JSON for a bundle config")]
    [InlineData("version", "\"a/b\"", "has version \"a/b\"; a version is 1 to 64 of A-Z a-z 0-9 . _ -")]
    [InlineData("version", "\"\"", "has version \"\"")]
    [InlineData("version", "1.5", "neither a string nor a whole number")]
    [InlineData("version", "{}", "neither a string nor a whole number")]
    public void ReportsConfigValuesThatCannotWork(string field, string value, string problem)
    {
        using var dir = saved.Copy();
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config[field] = JsonNode.Parse(value);
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        AssertLoadError(dir, "config.json", problem);
    }

    [Theory]
    [InlineData("\"2026.12-rc1\"", "2026.12-rc1")]
    [InlineData("7", "7")]
    [InlineData("null", null)]
    public void ReadsTheBundlesOwnVersionAsAStringOrAWholeNumber(string value, string? expected)
    {
        using var dir = saved.Copy();
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config["version"] = JsonNode.Parse(value);
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());

        using var bundle = ModelBundle.Load(dir.Path);

        Assert.Equal(expected, bundle.Config.Version);
    }

    [Fact]
    public void ABundleWithoutNGramsUsesTokensOnlyAndNullNGramsMeansTheSame()
    {
        Assert.DoesNotContain("ngrams", File.ReadAllText(saved.Dir.File("config.json")), StringComparison.Ordinal);
        using var dir = saved.Copy();
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config["ngrams"] = null;
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        using var predictor = Predictor.Load(dir.Path);
        Assert.Equal(1, predictor.Config.NGrams);
        Assert.Equal(["free", "prize", "now"], predictor.Terms("free prize now"));
        Assert.Equal(3, predictor.Encode("free prize now").Length);
    }

    [Fact]
    public void NGramsInConfigChangeTheTermsEveryTextIsEncodedWith()
    {
        using var dir = saved.Copy();
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config["ngrams"] = 3;
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        using var predictor = Predictor.Load(dir.Path);
        Assert.Equal(3, predictor.Config.NGrams);
        Assert.Equal(["free", "prize", "now", "free prize", "prize now", "free prize now"], predictor.Terms("Free prize now"));
        Assert.Equal(saved.Vocabulary.Lookup(predictor.Terms("Free prize now")), predictor.Encode("Free prize now"));
    }

    [Fact]
    public void SaveWritesNGramsAboveOneAndLoadReadsThemBack()
    {
        using var dir = new TempDir();
        ModelBundle.Save(dir.Path, saved.Model, saved.Vocabulary, saved.Labels, ngrams: 2);
        Assert.Equal(2, (int)JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!["ngrams"]!);
        using var predictor = Predictor.Load(dir.Path);
        Assert.Equal(2, predictor.Config.NGrams);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelBundle.Save(dir.Path, saved.Model, saved.Vocabulary, saved.Labels, ngrams: 0));
    }

    [Fact]
    public void ReportsVocabLengthThatDisagreesWithConfig()
    {
        using var dir = saved.Copy();
        File.WriteAllText(dir.File("vocab.json"), "[\"<unk>\", \"a\"]");
        AssertLoadError(dir, "vocab.json", $"holds 2 tokens but config.json says vocab_size is {saved.Vocabulary.Count}");
    }

    [Fact]
    public void ReportsAMissingWeightsFile()
    {
        using var dir = saved.Copy();
        File.Delete(dir.File("model_weights.pth"));
        AssertLoadError(dir, "model_weights.pth", "is missing (named by \"weights\" in config.json)");
    }

    [Fact]
    public void ReportsATruncatedWeightsFile()
    {
        using var dir = saved.Copy();
        var bytes = File.ReadAllBytes(dir.File("model_weights.pth"));
        File.WriteAllBytes(dir.File("model_weights.pth"), bytes[..(bytes.Length / 2)]);
        AssertLoadError(dir, "model_weights.pth", "cannot be read as a PyTorch state_dict file (truncated or corrupt?)");
    }

    [Theory]
    [InlineData("model_weights.pth")]
    [InlineData("vocab.json")]
    [InlineData("config.json")]
    public async Task RefusesAFifoInsteadOfBlockingOnIt(string file)
    {
        using var dir = saved.Copy();
        File.Delete(dir.File(file));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", dir.File(file)))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        // Opening a FIFO blocks until a writer comes: without the check, this load would never finish.
        var load = Task.Run(() => ModelBundle.Load(dir.Path));
        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => load.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(dir.File(file), ex.FilePath);
        Assert.Contains("is a FIFO (named pipe), not a regular file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesWeightsThatLinkToADevice()
    {
        using var dir = saved.Copy();
        File.Delete(dir.File("model_weights.pth"));
        File.CreateSymbolicLink(dir.File("model_weights.pth"), "/dev/zero");
        var load = Task.Run(() => ModelBundle.Load(dir.Path));
        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => load.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("is a character device, not a regular file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesAVocabularyLargerThanTheLimitWithoutReadingIt()
    {
        using var dir = saved.Copy();
        using (var sparse = File.OpenWrite(dir.File("vocab.json")))
        {
            sparse.SetLength(BundleFile.MaxVocabularyBytes + 1); // sparse: no disk used, nothing to read
        }
        AssertLoadError(dir, "vocab.json", "is 1 GiB; the most this server reads for it is 1 GiB");
    }

    [Fact]
    public void RefusesADirectoryWhereTheWeightsShouldBe()
    {
        using var dir = saved.Copy();
        File.Delete(dir.File("model_weights.pth"));
        Directory.CreateDirectory(dir.File("model_weights.pth"));
        AssertLoadError(dir, "model_weights.pth", "is a directory, not a regular file");
    }

    [Fact]
    public void ReportsAMissingAndAnUnexpectedKey()
    {
        using var dir = saved.Copy();
        using (var other = new WrongKeys(saved.Vocabulary.Count))
        {
            other.save_py(dir.File("model_weights.pth"));
        }
        AssertLoadError(dir, "model_weights.pth", "missing key(s) embedding.weight; unexpected key(s) emb.weight");
    }

    [Fact]
    public void ReportsAShapeThatDisagreesWithConfig()
    {
        using var dir = saved.Copy();
        using (var bigger = new TextClassifier(saved.Vocabulary.Count, 16, 2))
        {
            bigger.save_py(dir.File("model_weights.pth"));
        }
        AssertLoadError(dir, "model_weights.pth", "embedding.weight has shape [" + saved.Vocabulary.Count + ", 16] but config.json");
    }

    [Fact]
    public void ReportsLabelCountThatDisagreesWithTheWeights()
    {
        using var dir = saved.Copy();
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config["num_class"] = 3;
        config["labels"] = new JsonArray("ham", "spam", "eggs");
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        AssertLoadError(dir, "model_weights.pth", "fc.weight has shape [2, 8] but config.json");
    }

    [Fact]
    public void ReportsWeightsThatAreNotAPickle()
    {
        using var dir = saved.Copy();
        File.WriteAllText(dir.File("model_weights.pth"), "not a pytorch file");
        AssertLoadError(dir, "model_weights.pth", "cannot be read as a PyTorch state_dict file");
    }

    [Fact]
    public void LoadsSafetensorsWeightsLikePth()
    {
        using var dir = saved.Copy();
        saved.Model.save_safetensors(dir.File("model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!.AsObject();
        config["weights"] = "model.safetensors";
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        using var fromSafetensors = Predictor.Load(dir.Path);
        using var fromPth = Predictor.Load(saved.Dir.Path);
        Assert.Equal(fromPth.Predict("free prize now").Logits, fromSafetensors.Predict("free prize now").Logits);
    }

    private static List<Training.EncodedExample> TrainingFor(ModelBundle bundle)
    {
        var labelIds = bundle.Labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => (long)p.i);
        return Training.Trainer.Encode(TinyData.Train, bundle.Vocabulary, labelIds);
    }

    private static void AssertLoadError(TempDir dir, string file, string problem)
    {
        var ex = Assert.Throws<ModelLoadException>(() => ModelBundle.Load(dir.Path));
        Assert.Equal(dir.File(file), ex.FilePath);
        Assert.StartsWith(dir.File(file) + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    private sealed class WrongKeys : nn.Module
    {
#pragma warning disable IDE1006 // names are state_dict keys
        private readonly TorchSharp.Modules.EmbeddingBag emb;
        private readonly TorchSharp.Modules.Linear fc;
#pragma warning restore IDE1006

        public WrongKeys(long vocab) : base(nameof(WrongKeys))
        {
            emb = nn.EmbeddingBag(vocab, 8);
            fc = nn.Linear(8, 2);
            RegisterComponents();
        }
    }
}
