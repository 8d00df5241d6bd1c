using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using TextClassification.Server.Inference;

namespace TextClassification.Server.OpenInference;

/// <summary>
/// The answer to an infer request, written by hand rather than serialised from objects: the outputs asked for in
/// their order, each as JSON data or, with the binary tensor data extension, as bytes after the JSON (FP32 as 4-byte
/// little-endian floats, BYTES as a 4-byte little-endian length and UTF-8). When any output is binary the answer is
/// <c>application/octet-stream</c> with <c>Inference-Header-Content-Length</c> giving the JSON's length. FP32 values in
/// JSON are written shortest round-trip, so they parse back to the same bits.
/// </summary>
internal sealed class InferResult(ModelIdentity model, InferRequest request, PredictionBatch batch) : IResult, IStatusCodeHttpResult
{
    public const string JsonContentType = "application/json";
    public const string BinaryContentType = "application/octet-stream";

    // Labels stay readable (the answer is JSON, never HTML).
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var json = new ArrayBufferWriter<byte>(1024);
        var binary = new ArrayBufferWriter<byte>();
        Write(json, binary);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        if (binary.WrittenCount > 0 || request.Outputs.Any(output => output.Binary))
        {
            response.ContentType = BinaryContentType;
            response.Headers[InferRequestParser.HeaderLengthHeader] = json.WrittenCount.ToString(CultureInfo.InvariantCulture);
            response.ContentLength = json.WrittenCount + binary.WrittenCount;
            await response.Body.WriteAsync(json.WrittenMemory, httpContext.RequestAborted).ConfigureAwait(false);
            await response.Body.WriteAsync(binary.WrittenMemory, httpContext.RequestAborted).ConfigureAwait(false);
            return;
        }
        response.ContentType = JsonContentType;
        response.ContentLength = json.WrittenCount;
        await response.Body.WriteAsync(json.WrittenMemory, httpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The JSON into <paramref name="json"/>, binary outputs' bytes in order into <paramref name="binary"/>.</summary>
    public void Write(IBufferWriter<byte> json, ArrayBufferWriter<byte> binary)
    {
        ArgumentNullException.ThrowIfNull(binary);
        using var writer = new Utf8JsonWriter(json, Options);
        writer.WriteStartObject();
        writer.WriteString("model_name", model.Name);
        writer.WriteString("model_version", model.Version ?? ModelIdentity.DefaultVersion);
        if (request.Id is { } id)
        {
            writer.WriteString("id", id);
        }
        writer.WriteStartArray("outputs");
        foreach (var output in request.Outputs)
        {
            WriteOutput(writer, binary, output);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private void WriteOutput(Utf8JsonWriter writer, ArrayBufferWriter<byte> binary, RequestedOutput output)
    {
        var predictions = batch.Predictions;
        int rows = predictions.Count;
        int classes = batch.Labels.Count;
        writer.WriteStartObject();
        writer.WriteString("name", output.Name);
        if (output.Classification is { } k)
        {
            writer.WriteString("datatype", InferRequestParser.BytesDatatype);
            WriteShape(writer, rows, k);
            bool probabilities = output.Output == InferOutput.Probabilities;
            var ranked = new int[rows][]; // each row's class order, computed once
            WriteBytes(writer, binary, output.Binary, rows * k, i =>
            {
                float[] values = probabilities ? predictions[i / k].Probabilities : predictions[i / k].Logits;
                int index = (ranked[i / k] ??= Ranked(values))[i % k];
                return string.Create(CultureInfo.InvariantCulture, $"{values[index]}:{index}:{batch.Labels[index]}");
            });
        }
        else if (output.Output == InferOutput.Label)
        {
            writer.WriteString("datatype", InferRequestParser.BytesDatatype);
            WriteShape(writer, rows, null);
            WriteBytes(writer, binary, output.Binary, rows, i => predictions[i].Label);
        }
        else
        {
            writer.WriteString("datatype", InferRequestParser.Fp32Datatype);
            WriteShape(writer, rows, classes);
            WriteFloats(writer, binary, output.Binary, output.Output == InferOutput.Probabilities);
        }
        writer.WriteEndObject();
    }

    private static void WriteShape(Utf8JsonWriter writer, int rows, int? columns)
    {
        writer.WriteStartArray("shape");
        writer.WriteNumberValue(rows);
        if (columns is { } count)
        {
            writer.WriteNumberValue(count);
        }
        writer.WriteEndArray();
    }

    private static void WriteBytes(Utf8JsonWriter writer, ArrayBufferWriter<byte> binary, bool asBinary, int count, Func<int, string> element)
    {
        if (!asBinary)
        {
            writer.WriteStartArray("data");
            for (int i = 0; i < count; i++)
            {
                writer.WriteStringValue(element(i));
            }
            writer.WriteEndArray();
            return;
        }
        int start = binary.WrittenCount;
        for (int i = 0; i < count; i++)
        {
            string text = element(i);
            int length = Encoding.UTF8.GetByteCount(text);
            var span = binary.GetSpan(sizeof(uint) + length);
            BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
            Encoding.UTF8.GetBytes(text, span[sizeof(uint)..]);
            binary.Advance(sizeof(uint) + length);
        }
        WriteBinarySize(writer, binary.WrittenCount - start);
    }

    private void WriteFloats(Utf8JsonWriter writer, ArrayBufferWriter<byte> binary, bool asBinary, bool probabilities)
    {
        if (!asBinary)
        {
            writer.WriteStartArray("data");
            foreach (var prediction in batch.Predictions)
            {
                foreach (float value in probabilities ? prediction.Probabilities : prediction.Logits)
                {
                    writer.WriteNumberValue(value);
                }
            }
            writer.WriteEndArray();
            return;
        }
        int start = binary.WrittenCount;
        foreach (var prediction in batch.Predictions)
        {
            float[] values = probabilities ? prediction.Probabilities : prediction.Logits;
            var span = binary.GetSpan(values.Length * sizeof(float));
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[(i * sizeof(float))..], values[i]);
            }
            binary.Advance(values.Length * sizeof(float));
        }
        WriteBinarySize(writer, binary.WrittenCount - start);
    }

    private static void WriteBinarySize(Utf8JsonWriter writer, int size)
    {
        writer.WriteStartObject("parameters");
        writer.WriteNumber(InferRequestParser.BinaryDataSize, size);
        writer.WriteEndObject();
    }

    /// <summary>Class indices best first (ties: the lower index first), for Triton's "value:index:label" strings.</summary>
    private static int[] Ranked(float[] values)
    {
        int[] order = [.. Enumerable.Range(0, values.Length)];
        // OrderBy is stable: equal values keep index order.
        return [.. order.OrderByDescending(i => values[i])];
    }
}
