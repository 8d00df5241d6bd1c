namespace TextClassification.Server.Security;

/// <summary>What the API key code logs: counts, files and refused requests; never a key or a digest of one.</summary>
internal static partial class ApiKeyLog
{
    /// <summary>Information, not Warning: scanners and misconfigured clients send no key all the time.</summary>
    [LoggerMessage(EventId = 320, Level = LogLevel.Information,
        Message = "Refused {Method} {Path} from {Client} (request {RequestId}): 401, {Reason}")]
    public static partial void KeyMissing(ILogger logger, string method, string path, string client, string requestId, string reason);

    [LoggerMessage(EventId = 321, Level = LogLevel.Warning,
        Message = "Refused {Method} {Path} from {Client} (request {RequestId}): 401, the API key is not valid (a guess, or a revoked key still in use)")]
    public static partial void KeyInvalid(ILogger logger, string method, string path, string client, string requestId);

    [LoggerMessage(EventId = 322, Level = LogLevel.Warning,
        Message = "Refused {Method} {Path} from {Client} (request {RequestId}): 403, the key's roles ({Roles}) do not include {Required}")]
    public static partial void Forbidden(ILogger logger, string method, string path, string client, string requestId, string roles, string required);

    [LoggerMessage(EventId = 323, Level = LogLevel.Information,
        Message = "API keys required on protected endpoints: {InferenceKeys} inference and {AdminKeys} admin keys accepted")]
    public static partial void Enabled(ILogger logger, int inferenceKeys, int adminKeys);

    [LoggerMessage(EventId = 324, Level = LogLevel.Information,
        Message = "API key file {Path}: {FileKeys} keys read; {InferenceKeys} inference and {AdminKeys} admin keys accepted now")]
    public static partial void FileRead(ILogger logger, string path, int fileKeys, int inferenceKeys, int adminKeys);

    [LoggerMessage(EventId = 325, Level = LogLevel.Warning, Message = "API key file {Path}: {Problem}; that line is ignored")]
    public static partial void FileLineIgnored(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 326, Level = LogLevel.Warning,
        Message = "API key file {Path} cannot be read ({Reason}); none of its keys is accepted until it can")]
    public static partial void FileUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 327, Level = LogLevel.Warning,
        Message = "No {Role} key is accepted: every request to an endpoint that needs one is refused with 401")]
    public static partial void NoKeys(ILogger logger, string role);
}
