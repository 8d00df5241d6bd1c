using TextClassification.Server.Lifecycle;

namespace TextClassification.Server.Tests;

/// <summary>How a bundle is replaced on disk does not matter: each way is seen as one change, once the writing stops.</summary>
public sealed class BundleChangeTests : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private readonly TempDir directory = new();

    [Fact]
    public async Task RenamingANewDirectoryOverModelPathIsAChange()
    {
        string current = Bundle("current");
        string next = Bundle("next");
        using var change = new BundleChange(current, Quiet, TimeProvider.System);

        Directory.Move(current, directory.File("previous"));
        Directory.Move(next, current);

        await AssertFiresAsync(change);
    }

    [Fact]
    public async Task SwappingTheModelPathSymlinkIsAChange()
    {
        string current = directory.File("current");
        File.CreateSymbolicLink(current, Bundle("v1"));
        string v2 = Bundle("v2");
        using var change = new BundleChange(current, Quiet, TimeProvider.System);

        Infrastructure.Symlinks.Replace(current, v2);

        await AssertFiresAsync(change);
    }

    [Fact]
    public async Task ABundleBeingCopiedIsOneChangeAfterTheLastWrite()
    {
        string current = Bundle("current");
        using var change = new BundleChange(current, Quiet, TimeProvider.System);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var lastWrite = TimeSpan.Zero;
        for (int i = 0; i < 6; i++)
        {
            await Task.Delay(100); // shorter than the quiet period: still one copy
            await File.AppendAllTextAsync(Path.Combine(current, "model_weights.pth"), "more bytes");
            lastWrite = clock.Elapsed;
        }
        Assert.False(change.Token.HasChanged, "a change fired while the bundle was still being written");

        await AssertFiresAsync(change);
        Assert.True(clock.Elapsed - lastWrite >= Quiet * 0.9, "the change fired before the quiet period after the last write");
    }

    [Fact]
    public async Task EntriesBesideModelPathAreNotChanges()
    {
        string current = Bundle("current");
        using var change = new BundleChange(current, TimeSpan.FromMilliseconds(50), TimeProvider.System);

        Bundle("current-but-another");
        await File.WriteAllTextAsync(directory.File("notes.txt"), "unrelated");
        await Task.Delay(500);

        Assert.Equal(2, change.WatchedDirectories);
        Assert.False(change.Token.HasChanged);
    }

    public void Dispose() => directory.Dispose();

    private string Bundle(string name)
    {
        string path = Directory.CreateDirectory(directory.File(name)).FullName;
        File.WriteAllText(Path.Combine(path, "model_weights.pth"), name);
        return path;
    }

    private static async Task AssertFiresAsync(BundleChange change)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = change.Token.RegisterChangeCallback(_ => fired.TrySetResult(), null);
        var first = await Task.WhenAny(fired.Task, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(first == fired.Task, "the change was not seen within 10 s");
    }
}
