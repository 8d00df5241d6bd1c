using System.Globalization;
using System.Text.RegularExpressions;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>What <c>openssl s_client -msg</c> printed: the ClientHello it wrote and the alert, if any, the server sent back.</summary>
internal sealed partial record OpenSslHandshake(int ExitCode, string Output)
{
    /// <summary>The ClientHello openssl put on the wire; fails the test if it sent none (it refused before connecting).</summary>
    public ClientHello ClientHello
    {
        get
        {
            var match = SentClientHello().Match(Output);
            Assert.True(match.Success, "openssl sent no ClientHello (refused on the client side before the server had a say):\n" + Output);
            byte[] bytes = [.. match.Groups["hex"].Value.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
                .Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];
            return ClientHello.Parse(bytes);
        }
    }

    /// <summary>The description of a fatal alert openssl received (<c>&lt;&lt;&lt;</c>: from the server), e.g. <c>protocol_version</c>; null if none.</summary>
    public string? AlertFromServer => ReceivedAlert().Match(Output) is { Success: true } match ? match.Groups["description"].Value : null;

    // ">>> TLS 1.1, Handshake [length 0075], ClientHello" followed by indented lines of hex bytes.
    [GeneratedRegex(@"^>>> [^\n]*, Handshake \[length [0-9a-f]+\], ClientHello\r?\n(?<hex>(?:[ \t]+[0-9a-f]{2}(?: [0-9a-f]{2})*\r?\n)+)", RegexOptions.Multiline)]
    private static partial Regex SentClientHello();

    [GeneratedRegex(@"^<<< [^\n]*, Alert \[length [0-9a-f]+\], fatal (?<description>\w+)", RegexOptions.Multiline)]
    private static partial Regex ReceivedAlert();
}
