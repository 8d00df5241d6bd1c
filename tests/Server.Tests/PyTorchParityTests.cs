using System.Text.Json;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Serves a bundle written by real PyTorch (tools/pytorch, 3 labels, embed 32, min_freq 2).</summary>
public class PyTorchBundleFactory : ServerFactory
{
    protected virtual string Bundle => "bundle";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Model:Path"] = Path.Combine(RepoPaths.Fixtures, "parity", Bundle),
    };
}

/// <summary>The same model exported with torch.jit.script (the portable form of the notes' torch.save(model)).</summary>
public sealed class TorchScriptBundleFactory : PyTorchBundleFactory
{
    protected override string Bundle => "bundle_torchscript";
}

/// <summary>A model trained by PyTorch on unigrams and bigrams (<c>"ngrams": 2</c>): every text is encoded with torchtext's ngrams_iterator.</summary>
public sealed class BigramBundleFactory : PyTorchBundleFactory
{
    protected override string Bundle => "bundle_bigram";
}

/// <summary>
/// POST /predict answers what PyTorch 1.13 computed for the same bundle (tests/fixtures/parity/expected.json, made by
/// tools/pytorch/make_fixtures.py): the same label and probabilities within 1e-5 for every text, alone and in a batch.
/// Tokens, ids and logits are compared through the Model library in Model.Tests.ParityTests.
/// </summary>
public abstract class PyTorchParityTestsBase<TFactory>(TFactory factory)
    where TFactory : ServerFactory
{
    private const double Tolerance = 1e-5;

    /// <summary>PyTorch's answers for the factory's bundle, in tests/fixtures/parity.</summary>
    protected virtual string ExpectedFile => "expected.json";

    [Fact]
    public async Task PredictMatchesPyTorchForEveryFixtureText()
    {
        var expected = LoadExpected();
        var body = JsonSerializer.Serialize(new { texts = expected.Select(e => e.Text).ToArray() });
        var predictions = (await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(body))).GetProperty("predictions");
        Assert.Equal(expected.Count, predictions.GetArrayLength());
        double worst = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            worst = Math.Max(worst, Compare(expected[i], predictions[i]));
        }
        Assert.True(worst <= Tolerance, $"max |probability difference| {worst:E2} > {Tolerance:E0}");
    }

    [Fact]
    public async Task EachTextAloneMatchesPyTorch()
    {
        var sample = LoadExpected().Where((_, i) => i % 10 == 0).ToList();
        Assert.NotEmpty(sample);
        foreach (var item in sample)
        {
            var answer = await ServerFactory.ReadOkAsync(await factory.PostJsonAsync(JsonSerializer.Serialize(new { text = item.Text })));
            Assert.True(Compare(item, answer) <= Tolerance, $"text {item.Text}");
        }
    }

    private static double Compare(Expected expected, JsonElement answer)
    {
        Assert.Equal(expected.Label, answer.GetProperty("label").GetString());
        double worst = 0;
        foreach (var (label, p) in expected.Probabilities)
        {
            worst = Math.Max(worst, Math.Abs(p - answer.GetProperty("probabilities").GetProperty(label).GetDouble()));
        }
        return worst;
    }

    private sealed record Expected(string Text, string Label, Dictionary<string, double> Probabilities);

    private List<Expected> LoadExpected()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "parity", ExpectedFile)));
        return [.. document.RootElement.EnumerateArray()
            .Where(item => !string.IsNullOrWhiteSpace(item.GetProperty("text").GetString())) // blank texts are a 400 by contract
            .Select(item => new Expected(
                item.GetProperty("text").GetString()!,
                item.GetProperty("label").GetString()!,
                item.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble())))];
    }
}

public sealed class PyTorchParityTests(PyTorchBundleFactory factory)
    : PyTorchParityTestsBase<PyTorchBundleFactory>(factory), IClassFixture<PyTorchBundleFactory>;

public sealed class TorchScriptParityTests(TorchScriptBundleFactory factory)
    : PyTorchParityTestsBase<TorchScriptBundleFactory>(factory), IClassFixture<TorchScriptBundleFactory>;

public sealed class BigramParityTests(BigramBundleFactory factory)
    : PyTorchParityTestsBase<BigramBundleFactory>(factory), IClassFixture<BigramBundleFactory>
{
    protected override string ExpectedFile => "expected_bigram.json";
}
