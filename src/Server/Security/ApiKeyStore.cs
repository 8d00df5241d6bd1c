using System.Security.Cryptography;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.FileProviders.Physical;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace TextClassification.Server.Security;

/// <summary>
/// The keys accepted now: those in settings (fixed at startup) and those in <c>Auth:ApiKeysFile</c>, re-read whenever
/// the file changes, so keys rotate without a restart. Changes arrive through the file provider's change tokens (no
/// polling): an edit, a file renamed into place, and a Kubernetes Secret update, which swaps the <c>..data</c> symlink
/// beside the file rather than touching the file itself. A file that cannot be read accepts none of its keys (fail
/// closed); a line that is not a valid key is skipped with a warning.
/// </summary>
internal sealed class ApiKeyStore : IDisposable
{
    /// <summary>The symlink a Kubernetes Secret or ConfigMap volume swaps, atomically, on every update.</summary>
    public const string KubernetesDataLink = "..data";

    private readonly byte[] partitionSecret = RandomNumberGenerator.GetBytes(32);
    private readonly (string Key, string Role)[] listed;
    private readonly string? filePath;
    private readonly PhysicalFileProvider? directory;
    private readonly IDisposable? watch;
    private readonly ILogger<ApiKeyStore> logger;
    private volatile ApiKeySet current;

    public ApiKeyStore(IOptions<ApiKeyOptions> options, IHostEnvironment environment, ILogger<ApiKeyStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        this.logger = logger;
        var settings = options.Value;
        listed = [.. settings.ListedKeys().Select(listedKey => (listedKey.Key, listedKey.Role))];
        if (!string.IsNullOrWhiteSpace(settings.ApiKeysFile))
        {
            filePath = ApiKeyFile.Resolve(settings.ApiKeysFile, environment.ContentRootPath);
            // Dot-prefixed names are excluded by default, and ..data is the one a Secret update changes.
            directory = new PhysicalFileProvider(Path.GetDirectoryName(filePath)!, ExclusionFilters.None);
        }
        current = Load();
        int inference = current.CountWith(AuthPolicies.Inference);
        int admin = current.CountWith(AuthPolicies.Admin);
        ApiKeyLog.Enabled(logger, inference, admin);
        WarnWhenNoInferenceKey();
        if (directory is not null)
        {
            watch = ChangeToken.OnChange(WatchFile, Reload);
        }
    }

    public ApiKeySet Current => current;

    public void Dispose()
    {
        watch?.Dispose();
        directory?.Dispose();
    }

    private IChangeToken WatchFile() =>
        new CompositeChangeToken([directory!.Watch(Path.GetFileName(filePath!)), directory.Watch(KubernetesDataLink)]);

    private void Reload()
    {
        current = Load();
        WarnWhenNoInferenceKey();
    }

    private void WarnWhenNoInferenceKey()
    {
        if (current.CountWith(AuthPolicies.Inference) == 0)
        {
            ApiKeyLog.NoKeys(logger, AuthPolicies.Inference);
        }
    }

    private ApiKeySet Load()
    {
        var keys = new List<(string Key, string Role)>(listed);
        int fileKeys = 0;
        if (filePath is not null)
        {
            try
            {
                var file = ApiKeyFile.Read(filePath);
                foreach (string problem in file.Problems)
                {
                    ApiKeyLog.FileLineIgnored(logger, filePath, problem);
                }
                keys.AddRange(file.Keys.Select(key => (key, AuthPolicies.Inference)));
                fileKeys = file.Keys.Count;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                ApiKeyLog.FileUnreadable(logger, filePath, ex.Message);
            }
        }
        var set = ApiKeySet.Create(keys, partitionSecret);
        if (filePath is not null)
        {
            int inference = set.CountWith(AuthPolicies.Inference);
            int admin = set.CountWith(AuthPolicies.Admin);
            ApiKeyLog.FileRead(logger, filePath, fileKeys, inference, admin);
        }
        return set;
    }
}
