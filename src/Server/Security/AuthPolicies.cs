namespace TextClassification.Server.Security;

/// <summary>
/// The authorization policies endpoints declare (<c>.RequireAuthorization(AuthPolicies.Inference)</c>); each names
/// the role a key must carry. Endpoints that need no key declare <c>.AllowAnonymous()</c>.
/// </summary>
internal static class AuthPolicies
{
    /// <summary>Prediction and model metadata: a key from <c>Auth:ApiKeys</c> or <c>Auth:ApiKeysFile</c>.</summary>
    public const string Inference = "inference";

    /// <summary>Admin endpoints (<c>POST /admin/reload</c>): a key from <c>Auth:AdminKeys</c>.</summary>
    public const string Admin = "admin";
}
