using Microsoft.Extensions.DependencyInjection;
using TextClassification.Model.Inference;
using TextClassification.Server.Inference;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>A replaced model keeps answering the requests that took it, and is disposed after the last of them.</summary>
public sealed class ModelLifecycleTests : IDisposable
{
    private readonly TempDir directory = new();

    [Fact]
    public void AReplacedModelIsDisposedOnlyAfterItsLastLeaseIsReturned()
    {
        using var holder = new ModelHolder();
        var first = Load(TinyBundle.Path);
        holder.Publish(first);
        var lease = holder.Acquire();
        Assert.Same(first, lease);

        holder.Publish(Load(TinyBundle.Path));

        Assert.False(first.IsDisposed);
        Assert.Equal("spam", first.Predictor.Predict("win a free prize now").Label); // still usable by its request
        Assert.NotSame(first, holder.Current);
        first.Release();
        Assert.True(first.IsDisposed);
    }

    [Fact]
    public void ARetiredModelCannotBeLeasedAgain()
    {
        using var holder = new ModelHolder();
        var first = Load(TinyBundle.Path);
        holder.Publish(first);
        var second = Load(TinyBundle.Path);
        holder.Publish(second);

        Assert.True(first.IsDisposed);
        Assert.False(first.TryAcquire());
        var lease = holder.Acquire();
        Assert.Same(second, lease);
        lease!.Release();
    }

    [Fact]
    public void WithoutAModelTheServiceAnswersNotReadyItself()
    {
        using var holder = new ModelHolder();

        Assert.Null(holder.Acquire());
        Assert.Equal(ModelHolder.LoadingDetail, holder.NotReadyDetail);
        holder.Fail("config.json is missing");
        Assert.Equal("No model is loaded: config.json is missing", holder.NotReadyDetail);
    }

    [Fact]
    public async Task ModelsSwappedUnderConcurrentRequestsAnswerEachRequestWhollyFromOneModel()
    {
        string upper = TinyBundle.RelabelledCopy(directory.File("upper"), ["HAM", "SPAM"]);
        using var factory = new ServerFactory();
        _ = factory.Client; // start the host
        var holder = factory.Services.GetRequiredService<ModelHolder>();
        await WaitForModelAsync(holder);
        var retired = new List<LoadedModel>();

        using var stop = new CancellationTokenSource();
        var swapping = Task.Run(() =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                retired.Add(holder.Current!);
                holder.Publish(Load(i % 2 == 0 ? upper : TinyBundle.Path));
            }
        });
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            factory.PostJsonAsync("{\"texts\": [\"win a free prize now\", \"lunch meeting about the report\"]}")));
        await stop.CancelAsync();
        await swapping;

        foreach (var response in answers)
        {
            var predictions = (await ServerFactory.ReadOkAsync(response)).GetProperty("predictions");
            string[] labels = [.. predictions.EnumerateArray().SelectMany(p => p.GetProperty("probabilities").EnumerateObject().Select(x => x.Name))];
            Assert.True(labels.All(l => l is "ham" or "spam") || labels.All(l => l is "HAM" or "SPAM"), $"one answer mixed two models: {string.Join(", ", labels)}");
            Assert.Equal(["spam", "ham"], predictions.EnumerateArray().Select(p => p.GetProperty("label").GetString()!.ToLowerInvariant()));
        }
        Assert.True(retired.Count > 1, "the models were not swapped during the requests");
        Assert.All(retired, model => Assert.True(model.IsDisposed, "a replaced model was not disposed after its last request"));
    }

    public void Dispose() => directory.Dispose();

    private static LoadedModel Load(string path) => new(Predictor.Load(path), DateTimeOffset.UtcNow, TimeSpan.Zero, TimeSpan.Zero, null);

    private static async Task WaitForModelAsync(ModelHolder holder)
    {
        for (int i = 0; holder.Current is null; i++)
        {
            Assert.True(i < 500, "the model did not load");
            await Task.Delay(20);
        }
    }
}
