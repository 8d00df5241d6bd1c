using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using TextClassification.Model;
using TextClassification.Server.Inference;
using TextClassification.Server.Lifecycle;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Hot reload: a new bundle serves without a restart or a failed request; a bad one is refused and reported.</summary>
public sealed class ModelReloadTests : IDisposable
{
    private const string TwoTexts = "{\"texts\": [\"win a free prize now\", \"lunch meeting about the report\"]}";

    private readonly TempDir directory = new();

    [Fact]
    public async Task AReloadUnderConcurrentRequestsAnswersEachRequestFromExactlyOneModel()
    {
        string lower = TinyBundle.CopyTo(directory.File("lower"));
        string upper = TinyBundle.RelabelledCopy(directory.File("upper"), ["HAM", "SPAM"]);
        string current = directory.File("current");
        File.CreateSymbolicLink(current, lower);
        using var factory = new SettingsFactory(new() { ["Model:Path"] = current });
        var reloader = factory.Services.GetRequiredService<IModelReloader>();
        await WaitForModelAsync(factory);

        using var stop = new CancellationTokenSource();
        var reloads = Task.Run(async () =>
        {
            var attempts = new List<ReloadAttempt>();
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                Symlinks.Replace(current, i % 2 == 0 ? upper : lower);
                attempts.Add(await reloader.ReloadAsync("test"));
            }
            return attempts;
        });
        var answers = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => i % 10 == 0
            ? factory.Client.GetAsync(new Uri("/health", UriKind.Relative))
            : factory.PostJsonAsync(TwoTexts)));
        await stop.CancelAsync();
        var attempts = await reloads;

        Assert.True(attempts.Count(a => a.Status == ReloadAttempt.SucceededStatus) >= 2, "the model was not reloaded during the requests");
        Assert.All(attempts, a => Assert.Null(a.Error));
        foreach (var response in answers)
        {
            var answer = await ServerFactory.ReadOkAsync(response); // readiness stayed 200 and no prediction failed
            if (!answer.TryGetProperty("predictions", out var predictions))
            {
                continue;
            }
            string[] labels = [.. predictions.EnumerateArray().SelectMany(p => p.GetProperty("probabilities").EnumerateObject().Select(x => x.Name))];
            Assert.True(labels.All(l => l is "ham" or "spam") || labels.All(l => l is "HAM" or "SPAM"), $"one answer mixed two models: {string.Join(", ", labels)}");
            Assert.Equal(["spam", "ham"], predictions.EnumerateArray().Select(p => p.GetProperty("label").GetString()!.ToLowerInvariant()));
        }
    }

    [Fact]
    public async Task ACorruptBundleIsRefusedTheOldModelKeepsServingAndModelReportsWhy()
    {
        string good = TinyBundle.CopyTo(directory.File("good"));
        string corrupt = TinyBundle.TruncatedCopy(directory.File("corrupt"));
        string current = directory.File("current");
        File.CreateSymbolicLink(current, good);
        using var factory = new SettingsFactory(new() { ["Model:Path"] = current });
        using var reloads = ReloadCounter(factory);
        var reloader = factory.Services.GetRequiredService<IModelReloader>();
        var before = await GetModelAsync(factory);

        Symlinks.Replace(current, corrupt);
        var attempt = await reloader.ReloadAsync("test");
        var after = await GetModelAsync(factory);
        var prediction = await factory.PostJsonAsync(TwoTexts);
        var health = await factory.Client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(ReloadAttempt.FailedStatus, attempt.Status);
        Assert.Equal(before.GetProperty("weightsSha256").GetString(), after.GetProperty("weightsSha256").GetString());
        Assert.Equal(Path.GetFileName(good), after.GetProperty("bundle").GetString());
        var lastReload = after.GetProperty("lastReload");
        Assert.Equal("failed", lastReload.GetProperty("status").GetString());
        Assert.Equal(Path.GetFileName(corrupt), lastReload.GetProperty("bundle").GetString());
        Assert.StartsWith(Path.GetFileName(corrupt) + "/model_weights.pth: ", lastReload.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetDirectoryName(corrupt)!, lastReload.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.UtcNow - lastReload.GetProperty("at").GetDateTimeOffset() < TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(["failure"], reloads.GetMeasurementSnapshot().Select(m => m.Tags[ReloadMetrics.ResultTag]));
    }

    [Fact]
    public async Task AKubernetesDataSymlinkSwapIsPickedUpOnceWithTheNewWeights()
    {
        // The layout kubelet's atomic writer keeps for a mounted volume: files link through ..data to a timestamped directory.
        string volume = Directory.CreateDirectory(directory.File("volume")).FullName;
        TinyBundle.CopyTo(Path.Combine(volume, "..2026_01_01_00_00_00.1"));
        File.CreateSymbolicLink(Path.Combine(volume, "..data"), "..2026_01_01_00_00_00.1");
        foreach (string file in Directory.GetFiles(TinyBundle.Path))
        {
            File.CreateSymbolicLink(Path.Combine(volume, Path.GetFileName(file)), Path.Combine("..data", Path.GetFileName(file)));
        }
        using var factory = new SettingsFactory(new() { ["Model:Path"] = volume, ["Model:Watch"] = "true", ["Model:WatchDebounce"] = "200ms" });
        using var reloads = ReloadCounter(factory);
        await WaitForModelAsync(factory);
        string newSha = FileHash.Sha256(Path.Combine(RepoPaths.DefaultModel, "model_weights.pth"));

        TinyBundle.Copy(RepoPaths.DefaultModel, Path.Combine(volume, "..2026_01_02_00_00_00.2"));
        Symlinks.Replace(Path.Combine(volume, "..data"), "..2026_01_02_00_00_00.2");
        Directory.Delete(Path.Combine(volume, "..2026_01_01_00_00_00.1"), recursive: true);
        await WaitForWeightsAsync(factory, newSha);
        await Task.Delay(1000); // several quiet periods: a second reload would have started by now
        var model = await GetModelAsync(factory); // read again: the attempt is recorded just after the swap

        Assert.Equal("..2026_01_02_00_00_00.2", model.GetProperty("bundle").GetString());
        Assert.Equal("succeeded", model.GetProperty("lastReload").GetProperty("status").GetString());
        Assert.Equal(["success"], reloads.GetMeasurementSnapshot().Select(m => m.Tags[ReloadMetrics.ResultTag]));
    }

    [SkippableFact]
    public async Task SighupReloadsTheBundleBehindTheModelPathSymlink()
    {
        Skip.If(IgnoredSignals.IsIgnored(IgnoredSignals.Hangup), InheritedSignals.Reason("SIGHUP"));
        string current = directory.File("current");
        File.CreateSymbolicLink(current, TinyBundle.Path);
        using var certificates = new TempDir();
        await using var server = await ServerProcess.StartAsync(certificates.Path, "https://127.0.0.1:0", $"--Model:Path={current}");
        using var client = new HttpClient(server.TrustingOnlyItsCertificate()) { BaseAddress = server.HttpsUri };
        await WaitForAsync(async () => (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK, "the server did not become ready");

        Symlinks.Replace(current, RepoPaths.DefaultModel);
        await server.SignalAsync("HUP");
        string expected = FileHash.Sha256(Path.Combine(RepoPaths.DefaultModel, "model_weights.pth"));
        await WaitForAsync(async () => (await client.GetStringAsync(new Uri("/model", UriKind.Relative))).Contains(expected, StringComparison.Ordinal),
            () => "GET /model did not show the new weights after SIGHUP; the server's output:\n" + server.Output);

        Assert.Contains("Reloading the model (SIGHUP)", server.Output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    public void Dispose() => directory.Dispose();

    private static MetricCollector<long> ReloadCounter(SettingsFactory factory) =>
        new(factory.Services.GetRequiredService<IMeterFactory>(), InferenceMetrics.MeterName, ReloadMetrics.ReloadsName);

    private static async Task<JsonElement> GetModelAsync(SettingsFactory factory)
    {
        await WaitForModelAsync(factory);
        return await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/model", UriKind.Relative)));
    }

    private static Task WaitForModelAsync(SettingsFactory factory) =>
        WaitForAsync(() => Task.FromResult(factory.Services.GetRequiredService<ModelHolder>().Current is not null), "the model did not load");

    private static async Task<JsonElement> WaitForWeightsAsync(SettingsFactory factory, string sha256)
    {
        JsonElement model = default;
        await WaitForAsync(async () =>
        {
            model = await ServerFactory.ReadOkAsync(await factory.Client.GetAsync(new Uri("/model", UriKind.Relative)));
            return model.GetProperty("weightsSha256").GetString() == sha256;
        }, "the new bundle was not picked up");
        return model;
    }

    private static Task WaitForAsync(Func<Task<bool>> condition, string failure) => WaitForAsync(condition, () => failure);

    private static async Task WaitForAsync(Func<Task<bool>> condition, Func<string> failure)
    {
        for (int i = 0; !await condition(); i++)
        {
            Assert.True(i < 300, failure() + " within 30 s");
            await Task.Delay(100);
        }
    }
}
