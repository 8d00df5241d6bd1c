using TextClassification.Model.Modeling;
using static TorchSharp.torch;

namespace TextClassification.Model.Tests;

public sealed class TextClassifierTests
{
    [Fact]
    public void StateDictKeysAreThePyTorchOnes()
    {
        using var model = new TextClassifier(10, 4, 3);
        Assert.Equal(["embedding.weight", "fc.weight", "fc.bias"], model.state_dict().Keys);
        Assert.Equal(new long[] { 10, 4 }, model.state_dict()["embedding.weight"].shape);
        Assert.Equal(new long[] { 3, 4 }, model.state_dict()["fc.weight"].shape);
        Assert.Equal(new long[] { 3 }, model.state_dict()["fc.bias"].shape);
    }

    [Fact]
    public void InitialisesLikeTheTorchtextTutorial()
    {
        using var generator = new Generator(1);
        using var model = new TextClassifier(1000, 16, 2, generator);
        var sd = model.state_dict();
        Assert.InRange(sd["embedding.weight"].min().item<float>(), -0.5f, -0.45f);
        Assert.InRange(sd["embedding.weight"].max().item<float>(), 0.45f, 0.5f);
        Assert.InRange(sd["fc.weight"].abs().max().item<float>(), 0f, 0.5f);
        Assert.Equal(0f, sd["fc.bias"].abs().sum().item<float>());
    }

    [Fact]
    public void ForwardTakesFlatIdsAndOffsetsWithoutPadding()
    {
        using var scope = NewDisposeScope();
        using var model = new TextClassifier(10, 4, 3);
        var (text, offsets) = TextBatch.Collate([[1, 2, 3], [4], [5, 6]]);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, text.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 3, 4 }, offsets.data<long>().ToArray());
        var logits = model.call(text, offsets);
        Assert.Equal(new long[] { 3, 3 }, logits.shape);

        // Each text alone gives the same logits as inside the batch.
        var (single, singleOffsets) = TextBatch.Collate([[4]]);
        Assert.True(model.call(single, singleOffsets)[0].allclose(logits[1], rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void AnEmptyBagGivesTheBias()
    {
        using var scope = NewDisposeScope();
        using var model = new TextClassifier(10, 4, 3);
        using (no_grad())
        {
            model.state_dict()["fc.bias"].copy_(tensor(new[] { 0.1f, -0.2f, 0.3f }));
        }
        var (text, offsets) = TextBatch.Collate([[], [1]]);
        var logits = model.call(text, offsets);
        Assert.Equal(new[] { 0.1f, -0.2f, 0.3f }, logits[0].data<float>().ToArray());
    }
}
