using System.Text;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// Mutated POST /predict bodies, reproducible from a seed: bit flips, truncations, splices of valid requests, inserted
/// and deleted bytes, deep nesting, huge numbers, invalid UTF-8, bad escapes and batches around the text limit.
/// </summary>
internal sealed class RequestFuzzer(int seed)
{
    private static readonly byte[][] Valid =
    [
        """{"text":"win a free prize now, click here"}"""u8.ToArray(),
        """{"texts":["lunch meeting tomorrow","you won money!","the report is attached"]}"""u8.ToArray(),
        """{ "text" : "caf\u00e9 \ud83d\ude00 tab\there\nnewline \"quoted\" back\\slash" }"""u8.ToArray(),
        """{"texts":["a"]}"""u8.ToArray(),
        [.. Encoding.UTF8.Preamble, .. """{"text":"with a byte order mark"}"""u8],
        "{\r\n  \"texts\": [\r\n    \"spread over\",\r\n    \"several lines\"\r\n  ]\r\n}"u8.ToArray(),
        Encoding.UTF8.GetBytes("{\"text\":\"ünïcödé – 中文 – emoji 🎉\"}"),
        """{"text":"free prize, click","explain":true,"explain_top":2,"top_k":1}"""u8.ToArray(),
        """{"top_k":2.0,"texts":["see you at lunch","claim it"],"explain":false}"""u8.ToArray(),
    ];

    /// <summary>Bytes a JSON parser gives meaning to, and bytes that are never valid UTF-8 on their own.</summary>
    private static readonly byte[] Interesting = "{}[]\":,\\/-+.0123456789eEtfnulrbu \t\r\n"u8.ToArray().Concat(new byte[] { 0, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF }).ToArray();

    private static readonly byte[][] BadUtf8 =
    [
        [0x80], [0xBF], [0xC0, 0xAF], [0xC3], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFE], [0xFF], [0xE2, 0x82],
    ];

    private readonly Random random = new(seed);

    public byte[] Next() => random.Next(14) switch
    {
        0 => FlipBits(Pick()),
        1 => Truncate(Pick()),
        2 => Splice(Pick(), Pick()),
        3 => Insert(Pick()),
        4 => Delete(Pick()),
        5 => Duplicate(Pick()),
        6 => DeepNesting(),
        7 => HugeNumber(),
        8 => InvalidUtf8(Pick()),
        9 => Escapes(),
        10 => BatchAroundTheLimit(),
        11 => Garbage(),
        12 => Mutate(Mutate(Pick())),
        _ => Mutate(Pick()),
    };

    private byte[] Pick() => Valid[random.Next(Valid.Length)];

    private byte[] Mutate(byte[] body) => random.Next(6) switch
    {
        0 => FlipBits(body),
        1 => Truncate(body),
        2 => Insert(body),
        3 => Delete(body),
        4 => Duplicate(body),
        _ => InvalidUtf8(body),
    };

    private byte[] FlipBits(byte[] body)
    {
        byte[] copy = [.. body];
        for (int i = random.Next(1, 5); i > 0 && copy.Length > 0; i--)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }
        return copy;
    }

    private byte[] Truncate(byte[] body) => body[..random.Next(body.Length + 1)];

    private byte[] Splice(byte[] first, byte[] second) => [.. first[..random.Next(first.Length + 1)], .. second[random.Next(second.Length + 1)..]];

    private byte[] Insert(byte[] body)
    {
        int at = random.Next(body.Length + 1);
        var inserted = new byte[random.Next(1, 9)];
        for (int i = 0; i < inserted.Length; i++)
        {
            inserted[i] = Interesting[random.Next(Interesting.Length)];
        }
        return [.. body[..at], .. inserted, .. body[at..]];
    }

    private byte[] Delete(byte[] body)
    {
        if (body.Length == 0)
        {
            return body;
        }
        int at = random.Next(body.Length);
        int end = Math.Min(body.Length, at + random.Next(1, 9));
        return [.. body[..at], .. body[end..]];
    }

    private byte[] Duplicate(byte[] body)
    {
        int at = random.Next(body.Length + 1);
        int end = Math.Min(body.Length, at + random.Next(1, 33));
        return [.. body[..end], .. body[at..end], .. body[end..]];
    }

    private byte[] DeepNesting()
    {
        int depth = random.Next(1, 5000);
        bool balanced = random.Next(2) == 0;
        var text = new StringBuilder();
        switch (random.Next(3))
        {
            case 0:
                text.Append("{\"texts\":").Append('[', depth).Append("\"a\"").Append(']', balanced ? depth : depth / 2).Append('}');
                break;
            case 1:
                for (int i = 0; i < depth; i++)
                {
                    text.Append("{\"text\":");
                }
                text.Append("\"a\"").Append('}', balanced ? depth : random.Next(depth));
                break;
            default:
                text.Append('[', depth).Append(']', balanced ? depth : random.Next(depth));
                break;
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private byte[] HugeNumber()
    {
        string digits = new('9', random.Next(1, 20_000));
        string number = random.Next(6) switch
        {
            0 => digits,
            1 => "-" + digits,
            2 => "1e" + digits,
            3 => "0." + digits + "e-" + digits,
            4 => "1e999999999999",
            _ => "-0.0e-0",
        };
        return Encoding.UTF8.GetBytes(random.Next(3) switch
        {
            0 => $"{{\"text\":{number}}}",
            1 => $"{{\"texts\":[\"a\",{number}]}}",
            _ => number,
        });
    }

    private byte[] InvalidUtf8(byte[] body)
    {
        int at = random.Next(body.Length + 1);
        return [.. body[..at], .. BadUtf8[random.Next(BadUtf8.Length)], .. body[at..]];
    }

    private byte[] Escapes()
    {
        var text = new StringBuilder("{\"text\":\"");
        for (int i = random.Next(1, 20); i > 0; i--)
        {
            text.Append(random.Next(5) switch
            {
                0 => $"\\u{random.Next(0x10000):x4}",
                1 => $"\\u{random.Next(0xD800, 0xE000):X4}",
                2 => "\\" + (char)random.Next(0x20, 0x7F),
                3 => "\\u12",
                _ => "x",
            });
        }
        return Encoding.UTF8.GetBytes(text.Append("\"}").ToString());
    }

    private byte[] BatchAroundTheLimit()
    {
        int count = random.Next(3) switch
        {
            0 => random.Next(250, 262),
            1 => random.Next(0, 3),
            _ => random.Next(1, 1000),
        };
        string item = random.Next(4) switch
        {
            0 => "\"\"",
            1 => "\"  \"",
            2 => "null",
            _ => "\"t\"",
        };
        return Encoding.UTF8.GetBytes("{\"texts\":[" + string.Join(',', Enumerable.Repeat(item, count)) + "]}");
    }

    private byte[] Garbage()
    {
        var bytes = new byte[random.Next(0, 256)];
        random.NextBytes(bytes);
        return bytes;
    }
}
