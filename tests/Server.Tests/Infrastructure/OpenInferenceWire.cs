using System.Net;
using System.Text;
using System.Text.Json;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// The Open Inference Protocol's wire format written and read here from the specs (kserve required_api.md, Triton's
/// binary tensor data extension), byte by byte, independently of the server's own encoder: requests with BYTES
/// tensors as binary data, answers split at Inference-Header-Content-Length and their tensors decoded.
/// </summary>
internal static class OpenInferenceWire
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    /// <summary>A JSON infer request for <paramref name="texts"/> as input "text" of shape [N], with optional outputs JSON.</summary>
    public static string JsonRequest(IReadOnlyList<string> texts, string? outputs = null, string? id = null) =>
        "{" + (id is null ? "" : $"\"id\":{JsonSerializer.Serialize(id)},")
        + $"\"inputs\":[{{\"name\":\"text\",\"shape\":[{texts.Count}],\"datatype\":\"BYTES\",\"data\":{JsonSerializer.Serialize(texts)}}}]"
        + (outputs is null ? "" : $",\"outputs\":{outputs}") + "}";

    /// <summary>BYTES elements as the extension defines them: each a 4-byte little-endian unsigned length, then the bytes.</summary>
    public static byte[] BytesTensor(IEnumerable<byte[]> elements)
    {
        var data = new List<byte>();
        foreach (byte[] element in elements)
        {
            uint length = (uint)element.Length;
            data.Add((byte)(length & 0xFF));
            data.Add((byte)((length >> 8) & 0xFF));
            data.Add((byte)((length >> 16) & 0xFF));
            data.Add((byte)((length >> 24) & 0xFF));
            data.AddRange(element);
        }
        return [.. data];
    }

    /// <summary>The JSON header followed by the binary section; the header's length goes in Inference-Header-Content-Length.</summary>
    public static HttpContent Binary(string json, byte[] binary, string? contentType = "application/octet-stream", long? headerLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var content = new ByteArrayContent([.. header, .. binary]);
        content.Headers.Remove("Content-Type");
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        content.Headers.TryAddWithoutValidation(HeaderLength, (headerLength ?? header.Length).ToString(System.Globalization.CultureInfo.InvariantCulture));
        return content;
    }

    public static HttpContent Json(string json, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return content;
    }

    /// <summary>A 200 answer: its JSON, and each binary output's bytes by name (split by binary_data_size, in output order).</summary>
    public static async Task<Answer> ReadAnswerAsync(HttpResponseMessage response)
    {
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        int jsonLength = body.Length;
        if (response.Headers.TryGetValues(HeaderLength, out var values))
        {
            jsonLength = int.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        }
        else
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        var json = JsonDocument.Parse(body.AsMemory(0, jsonLength)).RootElement.Clone();
        var binary = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        int at = jsonLength;
        foreach (var output in json.GetProperty("outputs").EnumerateArray())
        {
            if (output.TryGetProperty("parameters", out var parameters) && parameters.TryGetProperty("binary_data_size", out var size))
            {
                Assert.False(output.TryGetProperty("data", out _), "a binary output has no JSON data");
                binary[output.GetProperty("name").GetString()!] = body[at..(at + size.GetInt32())];
                at += size.GetInt32();
            }
        }
        Assert.Equal(body.Length, at);
        return new Answer(json, binary);
    }

    /// <summary>The protocol's error object: the status, and the message under "error"; never a stack trace.</summary>
    public static async Task<string> ReadErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Contains(response.Content.Headers.ContentType?.MediaType, new[] { "application/json", ServerFactory.ProblemContentType });
        ServerFactory.AssertNoStackTrace(text);
        string? error = JsonDocument.Parse(text).RootElement.GetProperty("error").GetString();
        Assert.False(string.IsNullOrWhiteSpace(error), "a V2 error says what is wrong");
        return error!;
    }

    /// <summary>FP32 row-major little-endian, decoded byte by byte.</summary>
    public static float[] Floats(byte[] data)
    {
        Assert.Equal(0, data.Length % 4);
        var values = new float[data.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            int bits = data[4 * i] | (data[(4 * i) + 1] << 8) | (data[(4 * i) + 2] << 16) | (data[(4 * i) + 3] << 24);
            values[i] = BitConverter.Int32BitsToSingle(bits);
        }
        return values;
    }

    /// <summary>BYTES elements (4-byte little-endian length + bytes), decoded byte by byte as UTF-8 strings.</summary>
    public static string[] Strings(byte[] data)
    {
        var values = new List<string>();
        int at = 0;
        while (at < data.Length)
        {
            int length = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24);
            at += 4;
            values.Add(Encoding.UTF8.GetString(data, at, length));
            at += length;
        }
        Assert.Equal(data.Length, at);
        return [.. values];
    }

    /// <summary>An output's JSON data as floats (parsed as FP32, which round-trips the server's shortest form).</summary>
    public static float[] JsonFloats(JsonElement output) => [.. output.GetProperty("data").EnumerateArray().Select(value => value.GetSingle())];

    public static JsonElement Output(JsonElement answer, string name) =>
        answer.GetProperty("outputs").EnumerateArray().Single(output => output.GetProperty("name").GetString() == name);

    public static int[] Shape(JsonElement output) => [.. output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32())];

    public sealed record Answer(JsonElement Json, IReadOnlyDictionary<string, byte[]> Binary);
}
