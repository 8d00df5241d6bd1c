using System.Buffers.Binary;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// The fields of a TLS ClientHello handshake message (RFC 5246 7.4.1.2, RFC 8446 4.1.2) that say what a client offered:
/// the highest version (legacy_version), the cipher suites and the extension types (0x002b = supported_versions).
/// </summary>
internal sealed record ClientHello(ushort Version, IReadOnlyList<ushort> CipherSuites, IReadOnlyList<ushort> Extensions)
{
    public const ushort Tls11 = 0x0302;
    public const ushort Tls12 = 0x0303;
    public const ushort SupportedVersionsExtension = 0x002b;

    /// <summary>Parses a handshake message: type 1, 3-byte length, then the ClientHello body.</summary>
    public static ClientHello Parse(ReadOnlySpan<byte> message)
    {
        Assert.True(message.Length >= 4 && message[0] == 1, "not a ClientHello handshake message");
        var body = message[4..];
        ushort version = BinaryPrimitives.ReadUInt16BigEndian(body);
        int at = 2 + 32; // version, random
        at += 1 + body[at]; // session id
        int suitesLength = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
        var suites = new List<ushort>();
        for (int i = 0; i < suitesLength; i += 2)
        {
            suites.Add(BinaryPrimitives.ReadUInt16BigEndian(body[(at + 2 + i)..]));
        }
        at += 2 + suitesLength;
        at += 1 + body[at]; // compression methods
        var extensions = new List<ushort>();
        if (at < body.Length)
        {
            int end = at + 2 + BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
            for (at += 2; at < end; at += 4 + BinaryPrimitives.ReadUInt16BigEndian(body[(at + 2)..]))
            {
                extensions.Add(BinaryPrimitives.ReadUInt16BigEndian(body[at..]));
            }
        }
        return new ClientHello(version, suites, extensions);
    }
}
