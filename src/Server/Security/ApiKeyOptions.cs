namespace TextClassification.Server.Security;

/// <summary>
/// The <c>Auth</c> settings. API keys are off unless one of them is set; then every endpoint that declares a policy
/// (<see cref="AuthPolicies"/>) needs a key, and only the keys listed here or in the file are accepted.
/// </summary>
internal sealed class ApiKeyOptions
{
    public const string SectionName = "Auth";
    public const string ApiKeysKey = "Auth:ApiKeys";
    public const string ApiKeysFileKey = "Auth:ApiKeysFile";
    public const string AdminKeysKey = "Auth:AdminKeys";

    /// <summary>Shorter keys are refused at startup: 32 characters of base64 or hex is 128 bits or more.</summary>
    public const int MinimumLength = 32;

    /// <summary>Inference keys (<c>Auth:ApiKeys:0</c>, environment <c>Auth__ApiKeys__0</c>, ...).</summary>
    public IList<string> ApiKeys { get; } = [];

    /// <summary>A file of inference keys, one per line, <c>#</c> comments; reloaded when it changes (a Kubernetes Secret).</summary>
    public string? ApiKeysFile { get; set; }

    /// <summary>Keys for the admin endpoints (policy <see cref="AuthPolicies.Admin"/>); an inference key there gets 403.</summary>
    public IList<string> AdminKeys { get; } = [];

    /// <summary>Keys are required as soon as any is configured; decided once at startup, so an emptied file refuses everyone.</summary>
    public bool Enabled => ApiKeys.Count > 0 || AdminKeys.Count > 0 || !string.IsNullOrWhiteSpace(ApiKeysFile);

    /// <summary>
    /// The keys listed in settings, each with the setting that holds it (<c>Auth:ApiKeys:0</c>) and the role it grants.
    /// Surrounding whitespace is dropped: a key passed through an environment variable often ends in a newline.
    /// </summary>
    public IEnumerable<(string Setting, string Key, string Role)> ListedKeys()
    {
        for (int i = 0; i < ApiKeys.Count; i++)
        {
            yield return ($"{ApiKeysKey}:{i}", ApiKeys[i].Trim(), AuthPolicies.Inference);
        }
        for (int i = 0; i < AdminKeys.Count; i++)
        {
            yield return ($"{AdminKeysKey}:{i}", AdminKeys[i].Trim(), AuthPolicies.Admin);
        }
    }
}
