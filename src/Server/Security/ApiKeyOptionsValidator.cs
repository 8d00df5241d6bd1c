using Microsoft.Extensions.Options;

namespace TextClassification.Server.Security;

/// <summary>
/// Refuses to start with a key that is too short or not printable ASCII, or with a key file that cannot be read or
/// holds such a line: one message per problem, naming the setting or the file and line, never the key.
/// </summary>
internal sealed class ApiKeyOptionsValidator(IHostEnvironment environment) : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (setting, key, _) in options.ListedKeys())
        {
            if (ApiKey.Problem(key) is { } problem)
            {
                failures.Add($"{setting} {problem}");
            }
        }
        if (!string.IsNullOrWhiteSpace(options.ApiKeysFile))
        {
            string path = ApiKeyFile.Resolve(options.ApiKeysFile, environment.ContentRootPath);
            try
            {
                failures.AddRange(ApiKeyFile.Read(path).Problems.Select(problem => $"{ApiKeyOptions.ApiKeysFileKey} {path}: {problem}"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{ApiKeyOptions.ApiKeysFileKey} {path} cannot be read: {ex.Message}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
