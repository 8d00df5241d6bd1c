using TextClassification.Model.Inference;
using TextClassification.Model.Modeling;
using TextClassification.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TextClassification.Model.Tests;

public sealed class TrainerTests
{
    [Fact]
    public void TrainingLowersTheLossAndSeparatesASmallSeparableSet()
    {
        var result = TinyData.TrainModel(epochs: 30);
        using var model = result.Model;
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss / 4, $"loss {result.Epochs[0].TrainLoss} -> {result.Epochs[^1].TrainLoss}");
        Assert.Equal(1.0, result.Final.TestAccuracy);
        var labelIds = result.Labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => (long)p.i);
        var (_, trainAccuracy) = Trainer.Test(model, nn.CrossEntropyLoss(), Trainer.Encode(TinyData.Train, result.Vocabulary, labelIds), 4);
        Assert.Equal(1.0, trainAccuracy);
    }

    [Fact]
    public void ResultsAreDeterministicForAFixedSeed()
    {
        var first = TinyData.TrainModel(epochs: 3);
        var second = TinyData.TrainModel(epochs: 3);
        using var a = first.Model;
        using var b = second.Model;
        Assert.Equal(first.Epochs.Select(e => e.TrainLoss), second.Epochs.Select(e => e.TrainLoss));
        Assert.True(a.state_dict()["embedding.weight"].allclose(b.state_dict()["embedding.weight"], rtol: 0, atol: 0));
    }

    [Fact]
    public void AccumulatingTwoBatchesOf32GivesTheSameUpdateAsOneBatchOf64()
    {
        var random = new Random(3);
        var examples = Enumerable.Range(0, 64)
            .Select(_ => new EncodedExample([.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(50))], random.Next(2)))
            .ToList();
        int[] order = [.. Enumerable.Range(0, 64)];

        Dictionary<string, Tensor> Step(int batchSize, int accumulation)
        {
            using var generator = new Generator(11);
            var model = new TextClassifier(50, 6, 2, generator);
            using var optimizer = optim.SGD(model.parameters(), 0.5);
            Trainer.TrainEpoch(model, optimizer, nn.CrossEntropyLoss(), examples, order, batchSize, accumulation, clipGradNorm: 0);
            return model.state_dict();
        }

        var once = Step(64, 1);
        var accumulated = Step(32, 2);
        var plain = Step(32, 1);
        foreach (var key in once.Keys)
        {
            Assert.True(once[key].allclose(accumulated[key], rtol: 0, atol: 1e-6), $"{key} differs");
        }
        Assert.False(once["fc.weight"].allclose(plain["fc.weight"], rtol: 0, atol: 1e-6), "two separate steps should differ from one");
    }

    [Fact]
    public void RejectsBadHyperparameters()
    {
        Assert.Contains("batch size", Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { BatchSize = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("learning rate", Assert.Throws<ArgumentException>(() => new Trainer(new TrainingOptions { LearningRate = -1 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheNotesHyperparametersLowerTheLossEveryEpoch()
    {
        // lr 1e-3 with plain SGD learns slowly (see TrainingOptions.LearningRate), but it must learn: one batch per
        // epoch here, so each epoch's loss is measured after one more step than the last.
        var options = TinyData.Options() with { LearningRate = 1e-3, BatchSize = 64, Epochs = 5 };
        var result = new Trainer(options).Train(TinyData.Train, TinyData.Test);
        using var model = result.Model;
        var losses = result.Epochs.Select(e => e.TrainLoss).ToList();
        Assert.Equal(5, losses.Count);
        for (int i = 1; i < losses.Count; i++)
        {
            Assert.True(losses[i] < losses[i - 1], $"train loss per epoch: {string.Join(", ", losses)}");
        }
    }

    [Fact]
    public void RejectsATestLabelTheTrainingSetLacks()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Trainer(TinyData.Options(1)).Train(TinyData.Train, [new("x", "eggs")]));
        Assert.Contains("eggs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluationReportsPrecisionRecallAndConfusion()
    {
        var result = TinyData.TrainModel();
        using var dir = new TempDir();
        Bundles.ModelBundle.Save(dir.Path, result.Model, result.Vocabulary, result.Labels);
        using var predictor = Predictor.Load(dir.Path);
        // The model gets its own training texts right (see above), so this ham text labelled spam is the one error.
        var report = EvaluationReport.Evaluate(predictor, [.. TinyData.Train, new("meeting moved to monday", "spam")], batchSize: 4);
        Assert.Equal(["ham", "spam"], report.Labels);
        Assert.Equal(11, report.Count);
        Assert.Equal(new[] { new[] { 5, 0 }, new[] { 1, 5 } }, report.Confusion);
        Assert.Equal(10.0 / 11, report.Accuracy);
        Assert.Equal([5.0 / 6, 1.0], report.Precision);
        Assert.Equal([1.0, 5.0 / 6], report.Recall);
    }
}
