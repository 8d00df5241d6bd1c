using System.ComponentModel.DataAnnotations;

namespace TextClassification.Server.Security;

/// <summary>The <c>Server</c> settings that Kestrel has no key for.</summary>
internal sealed class RequestBodyOptions
{
    public const string SectionName = "Server";
    public const string RequestBodyTimeoutKey = "Server:RequestBodyTimeout";

    /// <summary>
    /// The whole request body must arrive within this time, or the request gets a 408 and its connection is closed.
    /// Kestrel's minimum data rate alone is averaged over the request, so a client that sends most of a large body at
    /// once and then stalls would keep its connection (and the buffered body) for over an hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "Server:RequestBodyTimeout must be between {1} and {2}")]
    public TimeSpan RequestBodyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
