using System.Diagnostics;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using TextClassification.Server.Errors;

namespace TextClassification.Server.Security;

/// <summary>
/// API keys as bearer tokens (<c>Authorization: Bearer &lt;key&gt;</c>). A key is authenticated when its SHA-256 digest
/// matches an accepted one (<see cref="ApiKeySet.Find"/>, constant time); the principal carries the key's roles, which
/// the <see cref="AuthPolicies"/> require. Refusals are the server's problem answers: 401 with the RFC 6750
/// challenge (<c>error="invalid_token"</c> when a key was sent but is not accepted) and 403, each logged with the
/// client address and request id.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "ApiKey";
    public const string BearerScheme = "Bearer";

    private const string InvalidKey = "the API key is not valid";

    private readonly ApiKeyStore keys;
    private readonly ILoggerFactory loggers;
    private ILogger? refusals;

    public ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggers, UrlEncoder encoder, ApiKeyStore keys)
        : base(options, loggers, encoder)
    {
        this.keys = keys;
        this.loggers = loggers;
    }

    /// <summary>Refusals go to a category of their own: the base class logs its routine lines under this type's name.</summary>
    private ILogger Refusals => refusals ??= loggers.CreateLogger(typeof(ApiKeyLog).FullName!);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? authorization = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(authorization)
            || authorization.Length <= BearerScheme.Length
            || !authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase)
            || authorization[BearerScheme.Length] != ' ')
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var presented = authorization.AsSpan(BearerScheme.Length + 1).Trim(' ');
        if (keys.Current.Find(presented) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail(InvalidKey));
        }
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(key.CreatePrincipal(SchemeName), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        bool keySent = result.Failure is not null;
        Response.Headers.WWWAuthenticate = keySent ? $"{BearerScheme} error=\"invalid_token\"" : BearerScheme;
        string method = Request.Method;
        string path = Request.Path.Value ?? "";
        string client = Client();
        string requestId = RequestId();
        if (keySent)
        {
            ApiKeyLog.KeyInvalid(Refusals, method, path, client, requestId);
        }
        else
        {
            string reason = string.IsNullOrEmpty(Request.Headers.Authorization) ? "no API key" : "no bearer token (another Authorization scheme)";
            ApiKeyLog.KeyMissing(Refusals, method, path, client, requestId, reason);
        }
        string detail = keySent
            ? "The API key sent is not valid (it may have been revoked); send a current key as Authorization: Bearer <key>."
            : "This endpoint needs an API key; send it as Authorization: Bearer <key>.";
        await Problems.Unauthorized(detail).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        string roles = string.Join(", ", Context.User.FindAll(ClaimTypes.Role).Select(claim => claim.Value));
        string required = string.Join(", ", Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(data => data.Policy).OfType<string>() ?? []);
        string path = Request.Path.Value ?? "";
        string client = Client();
        string requestId = RequestId();
        ApiKeyLog.Forbidden(Refusals, Request.Method, path, client, requestId, roles, required);
        await Problems.Forbidden($"The API key sent is valid but not for this endpoint, which needs a key with the role \"{required}\"; "
            + $"this key has \"{roles}\".").ExecuteAsync(Context);
    }

    private string Client() => Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The id the problem answer shows as its traceId, so that a client's report leads to this line.</summary>
    private string RequestId() => Activity.Current?.Id ?? Context.TraceIdentifier;
}
