using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>Keys in <c>Auth:ApiKeysFile</c> rotate without a restart: an edit, a file renamed into place, a Kubernetes Secret update.</summary>
public sealed class ApiKeyFileTests : IDisposable
{
    private const string OldKey = "old-key-0000000000000000000000000000000000000000";
    private const string NewKey = "new-key-1111111111111111111111111111111111111111";
    private static readonly TimeSpan ReloadWait = TimeSpan.FromSeconds(20);

    private readonly TempDir directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task AKeyFileEditedInPlaceIsReloadedWithoutARestart()
    {
        string file = directory.File("api-keys");
        File.WriteAllText(file, $"# rotated monthly\n{OldKey}\n");
        using var factory = new KeyFileServerFactory(file);
        Assert.Equal(HttpStatusCode.OK, await PredictAsync(factory, OldKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await PredictAsync(factory, NewKey));

        File.WriteAllText(file, $"# rotated monthly\n{NewKey}\n");

        await EventuallyAsync(factory, NewKey, HttpStatusCode.OK);
        await EventuallyAsync(factory, OldKey, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AKeyFileRenamedIntoPlaceIsReloaded()
    {
        string file = directory.File("api-keys");
        File.WriteAllText(file, OldKey + "\n");
        using var factory = new KeyFileServerFactory(file);
        Assert.Equal(HttpStatusCode.OK, await PredictAsync(factory, OldKey));

        File.WriteAllText(directory.File("api-keys.tmp"), $"{OldKey}\n{NewKey}\n");
        File.Move(directory.File("api-keys.tmp"), file, overwrite: true);

        await EventuallyAsync(factory, NewKey, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, await PredictAsync(factory, OldKey));
    }

    [Fact]
    public async Task AKubernetesSecretUpdateThatSwapsTheDataSymlinkRotatesTheKeys()
    {
        // The layout kubelet gives a Secret volume: keys -> ..data/keys, ..data -> ..<timestamp>; an update writes a new
        // timestamped directory and renames a new ..data link over the old one, leaving the file's own link untouched.
        Directory.CreateDirectory(directory.File("..2026_12_01_00_00_00.1"));
        File.WriteAllText(directory.File("..2026_12_01_00_00_00.1/api-keys"), OldKey + "\n");
        Directory.CreateSymbolicLink(directory.File("..data"), "..2026_12_01_00_00_00.1");
        File.CreateSymbolicLink(directory.File("api-keys"), "..data/api-keys");
        using var factory = new KeyFileServerFactory(directory.File("api-keys"));
        Assert.Equal(HttpStatusCode.OK, await PredictAsync(factory, OldKey));

        Directory.CreateDirectory(directory.File("..2026_12_02_00_00_00.2"));
        File.WriteAllText(directory.File("..2026_12_02_00_00_00.2/api-keys"), NewKey + "\n");
        Directory.CreateSymbolicLink(directory.File("..data_tmp"), "..2026_12_02_00_00_00.2");
        await RenameAsync(directory.File("..data_tmp"), directory.File("..data"));
        Directory.Delete(directory.File("..2026_12_01_00_00_00.1"), recursive: true);

        await EventuallyAsync(factory, NewKey, HttpStatusCode.OK);
        await EventuallyAsync(factory, OldKey, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnEmptiedKeyFileRefusesItsFormerKeysWhileKeysFromSettingsStillWork()
    {
        string file = directory.File("api-keys");
        File.WriteAllText(file, OldKey + "\n");
        using var factory = new KeyFileServerFactory(file);
        Assert.Equal(HttpStatusCode.OK, await PredictAsync(factory, OldKey));

        File.WriteAllText(file, "# every key revoked\n");

        await EventuallyAsync(factory, OldKey, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await PredictAsync(factory, KeyFileServerFactory.SettingsKey));
    }

    [Fact]
    public async Task ALineThatIsNotAKeyIsSkippedOnReloadWithAWarningThatDoesNotQuoteIt()
    {
        string file = directory.File("api-keys");
        File.WriteAllText(file, OldKey + "\n");
        using var factory = new KeyFileServerFactory(file);
        Assert.Equal(HttpStatusCode.OK, await PredictAsync(factory, OldKey));

        File.WriteAllText(file, $"{NewKey}\ntoo-short-secret\n");

        await EventuallyAsync(factory, NewKey, HttpStatusCode.OK);
        // An edit can reach the watcher as two changes (truncate, then write): each reload warns once.
        var warnings = factory.Logs.GetSnapshot().Where(record => record.Id.Id == 325).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, warning => Assert.Contains("line 2 is 16 characters long", warning.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.GetSnapshot(), record => record.Message.Contains("too-short-secret", StringComparison.Ordinal)
            || record.Message.Contains(NewKey, StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode> PredictAsync(ServerFactory factory, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/predict")
        {
            Content = new StringContent("""{"text":"win a free prize"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await factory.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task EventuallyAsync(ServerFactory factory, string key, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        while ((status = await PredictAsync(factory, key)) != expected && clock.Elapsed < ReloadWait)
        {
            await Task.Delay(50);
        }
        Assert.True(status == expected, $"still {(int)status} rather than {(int)expected} {ReloadWait.TotalSeconds} s after the key file changed");
    }

    /// <summary>rename(2), as kubelet does it: File.Move will not move a symlink to a directory over another.</summary>
    private static async Task RenameAsync(string from, string to)
    {
        var start = new ProcessStartInfo("mv") { ArgumentList = { "-T", from, to }, RedirectStandardError = true };
        using var mv = ExternalTool.Start(start);
        string error = await mv.StandardError.ReadToEndAsync();
        await mv.WaitForExitAsync();
        Assert.True(mv.ExitCode == 0, $"mv -T failed: {error}");
    }
}
