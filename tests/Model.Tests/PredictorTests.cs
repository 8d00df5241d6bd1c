using TextClassification.Model.Data;
using TextClassification.Model.Inference;

namespace TextClassification.Model.Tests;

public sealed class PredictorTests
{
    [Fact]
    public void ATextGetsBitIdenticalAnswersAloneAndInsideBatchesOfAnySize()
    {
        using var predictor = Predictor.Load(RepoPaths.DefaultModel);
        var texts = DataFile.Read(Path.Combine(RepoPaths.Data, "test.jsonl.gz")).Take(200).Select(r => r.Text).ToList();
        var alone = texts.Select(predictor.Predict).ToList();
        foreach (int size in new[] { 2, 3, 7, 16, 64, 200 })
        {
            for (int start = 0; start < texts.Count; start += size)
            {
                var batch = predictor.Predict(texts.GetRange(start, Math.Min(size, texts.Count - start)));
                for (int i = 0; i < batch.Length; i++)
                {
                    Assert.Equal(alone[start + i].Logits, batch[i].Logits);
                    Assert.Equal(alone[start + i].Probabilities, batch[i].Probabilities);
                }
            }
        }
    }

    [Fact]
    public void TiesGoToTheFirstLabel()
    {
        using var dir = new TempDir();
        var result = TinyData.TrainModel(epochs: 1);
        using (TorchSharp.torch.no_grad())
        {
            result.Model.state_dict()["fc.bias"].copy_(TorchSharp.torch.tensor(new[] { 0.25f, 0.25f }));
        }
        Bundles.ModelBundle.Save(dir.Path, result.Model, result.Vocabulary, result.Labels);
        using var predictor = Predictor.Load(dir.Path);
        var prediction = predictor.Predict(";;; :::"); // empty bag: logits are fc.bias
        Assert.Equal(new[] { 0.25f, 0.25f }, prediction.Logits);
        Assert.Equal(0, prediction.LabelIndex);
        Assert.Equal(0.5f, prediction.Score);
    }
}
