using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Predictions;

namespace TextClassification.Server.OpenInference;

/// <summary>
/// Strict parsing of an Open Inference infer request, with a precise reason for every rejection. The JSON is read as on
/// /predict (UTF-8, RFC 8259, nesting bounded); unknown members and parameters are ignored, as the protocol asks, but
/// every member the model uses is checked: one input of datatype BYTES, shape [N] or [N, 1] matching its data (flat or
/// nested), 1 to Model:MaxTextsPerRequest non-empty texts, known output names, a classification count of at least 1.
/// With the binary tensor data extension the JSON is the body's first <c>Inference-Header-Content-Length</c> bytes and
/// the input's <c>binary_data_size</c> bytes follow it: elements of a 4-byte little-endian length and that many bytes.
/// </summary>
internal static class InferRequestParser
{
    public const string InputName = "text";
    public const string BytesDatatype = "BYTES";
    public const string Fp32Datatype = "FP32";
    public const string BinaryDataSize = "binary_data_size";
    public const string BinaryData = "binary_data";
    public const string BinaryDataOutput = "binary_data_output";
    public const string ClassificationParameter = "classification";
    public const string HeaderLengthHeader = "Inference-Header-Content-Length";

    private const string Shape = "send {\"inputs\": [{\"name\": \"text\", \"datatype\": \"BYTES\", \"shape\": [N], \"data\": [\"...\"]}]}";

    // Without "outputs": all three, as JSON or (binary_data_output) as binary tensor data; built once.
    private static readonly RequestedOutput[] AllAsJson = AllOutputs(binary: false);
    private static readonly RequestedOutput[] AllAsBinary = AllOutputs(binary: true);

    /// <summary>
    /// The request in <paramref name="body"/>, whose first <paramref name="headerLength"/> bytes are the JSON when binary
    /// tensor data follows it (null: all of it is JSON), or the 400 that says what is wrong.
    /// </summary>
    public static Outcome<InferRequest> Parse(ReadOnlyMemory<byte> body, long? headerLength, int maxTexts)
    {
        var json = body;
        var binary = ReadOnlyMemory<byte>.Empty;
        if (headerLength is { } length)
        {
            if (length > body.Length)
            {
                return Invalid($"{HeaderLengthHeader} is {length} but the body has {body.Length} bytes.");
            }
            json = body[..(int)length];
            binary = body[(int)length..];
        }
        if (json.Span.StartsWith(Encoding.UTF8.Preamble))
        {
            json = json[Encoding.UTF8.Preamble.Length..];
        }
        var span = json.Span;
        if (span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Invalid($"The request has no JSON; {Shape}.");
        }
        if (PredictRequestParser.InvalidUtf8At(span) is { } offset)
        {
            return Invalid($"The request's JSON is not valid UTF-8 (byte 0x{span[offset]:X2} at offset {offset}).");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, PredictRequestParser.Strict);
        }
        catch (JsonException ex)
        {
            return Invalid($"The request is not valid JSON: {PredictRequestParser.WithoutPosition(ex.Message)} (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }
        using (document)
        {
            return ReadRoot(document.RootElement, binary, maxTexts);
        }
    }

    private static Outcome<InferRequest> ReadRoot(JsonElement root, ReadOnlyMemory<byte> binary, int maxTexts)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid($"The request must be a JSON object, not {PredictRequestParser.Describe(root.ValueKind)}; {Shape}.");
        }
        JsonElement? id = null, parameters = null, inputs = null, outputs = null;
        foreach (var property in root.EnumerateObject())
        {
            ref var slot = ref id;
            switch (property.Name)
            {
                case "id":
                    break;
                case "parameters":
                    slot = ref parameters;
                    break;
                case "inputs":
                    slot = ref inputs;
                    break;
                case "outputs":
                    slot = ref outputs;
                    break;
                default:
                    continue; // the protocol's other members (model_name, ...) and extensions this server does not implement
            }
            if (slot is not null)
            {
                return Invalid($"\"{property.Name}\" appears more than once.");
            }
            slot = property.Value;
        }
        if (id is { ValueKind: not JsonValueKind.String } badId)
        {
            return Invalid($"\"id\" must be a string, not {PredictRequestParser.Describe(badId.ValueKind)}.");
        }
        if (ReadBool(parameters, BinaryDataOutput, "parameters", out bool? binaryOutput) is { } badParameters)
        {
            return badParameters;
        }
        var texts = ReadInputs(inputs, binary, maxTexts);
        if (!texts.IsAccepted)
        {
            return texts.Rejection;
        }
        var requested = ReadOutputs(outputs, binaryOutput ?? false);
        if (!requested.IsAccepted)
        {
            return requested.Rejection;
        }
        return new InferRequest(id?.GetString(), texts.Value, requested.Value);
    }

    private static Outcome<string[]> ReadInputs(JsonElement? inputs, ReadOnlyMemory<byte> binary, int maxTexts)
    {
        if (inputs is not { } array)
        {
            return Invalid($"The request has no \"inputs\"; {Shape}.");
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            return Invalid($"\"inputs\" must be an array, not {PredictRequestParser.Describe(array.ValueKind)}; {Shape}.");
        }
        int count = array.GetArrayLength();
        if (count != 1)
        {
            return count == 0
                ? Invalid($"\"inputs\" is empty: the input \"{InputName}\" is missing; {Shape}.")
                : Invalid($"\"inputs\" has {count} tensors; the model takes one, \"{InputName}\" (BYTES).");
        }
        return ReadInput(array[0], binary, maxTexts);
    }

    private static Outcome<string[]> ReadInput(JsonElement input, ReadOnlyMemory<byte> binary, int maxTexts)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            return Invalid($"inputs[0] must be an object, not {PredictRequestParser.Describe(input.ValueKind)}; {Shape}.");
        }
        JsonElement? name = null, datatype = null, shape = null, data = null, parameters = null;
        foreach (var property in input.EnumerateObject())
        {
            ref var slot = ref name;
            switch (property.Name)
            {
                case "name":
                    break;
                case "datatype":
                    slot = ref datatype;
                    break;
                case "shape":
                    slot = ref shape;
                    break;
                case "data":
                    slot = ref data;
                    break;
                case "parameters":
                    slot = ref parameters;
                    break;
                default:
                    continue;
            }
            if (slot is not null)
            {
                return Invalid($"inputs[0] has \"{property.Name}\" more than once.");
            }
            slot = property.Value;
        }
        if (name is not { ValueKind: JsonValueKind.String } named)
        {
            return Invalid($"inputs[0] needs a \"name\" string (\"{InputName}\").");
        }
        string label = $"input \"{PredictRequestParser.Truncate(named.GetString()!)}\"";
        if (datatype is not { ValueKind: JsonValueKind.String } typed)
        {
            return Invalid($"The {label} needs a \"datatype\" string; the model takes {BytesDatatype}.");
        }
        if (!typed.ValueEquals(BytesDatatype))
        {
            return Invalid($"The {label} has datatype \"{PredictRequestParser.Truncate(typed.GetString()!)}\"; the model takes {BytesDatatype} (UTF-8 texts).");
        }
        var rows = ReadShape(shape, label, maxTexts);
        if (!rows.IsAccepted)
        {
            return rows.Rejection;
        }
        if (ReadSize(parameters, label, out long? size) is { } badSize)
        {
            return badSize;
        }
        if (size is { } binarySize)
        {
            return data is not null
                ? Invalid($"The {label} has both \"data\" and parameters.{BinaryDataSize}; send its texts one way.")
                : ReadBinaryTexts(binary, binarySize, rows.Value.Rows, label);
        }
        if (!binary.IsEmpty)
        {
            return Invalid($"{binary.Length} bytes follow the JSON ({HeaderLengthHeader}) but the {label} has no parameters.{BinaryDataSize}.");
        }
        return data is { } values ? ReadJsonTexts(values, rows.Value.Rows, rows.Value.Nested, label) : Invalid($"The {label} has neither \"data\" nor parameters.{BinaryDataSize}.");
    }

    /// <summary>The number of texts: shape [N] or [N, 1], 1 ≤ N ≤ <paramref name="maxTexts"/>.</summary>
    private static Outcome<(int Rows, bool Nested)> ReadShape(JsonElement? shape, string label, int maxTexts)
    {
        if (shape is not { ValueKind: JsonValueKind.Array } dims)
        {
            return Invalid($"The {label} needs a \"shape\" array: [N] or [N, 1] for N texts.");
        }
        var sizes = new List<long>(2);
        foreach (var dim in dims.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long value) || value < 0)
            {
                return Invalid($"The {label} has a shape dimension {PredictRequestParser.Truncate(dim.GetRawText())}; dimensions are whole numbers of at least 0.");
            }
            sizes.Add(value);
        }
        string Written() => "[" + string.Join(", ", sizes) + "]";
        if (sizes.Count is not (1 or 2) || (sizes.Count == 2 && sizes[1] != 1))
        {
            return Invalid($"The {label} has shape {Written()}; the model takes [N] or [N, 1] for N texts.");
        }
        long rows = sizes[0];
        if (rows == 0)
        {
            return Invalid($"The {label} has shape {Written()}: no texts; send at least one text.");
        }
        if (rows > maxTexts)
        {
            return Invalid($"The {label} has {rows} texts; at most {maxTexts} are accepted per request ({ModelOptions.MaxTextsPerRequestKey}).");
        }
        return ((int)rows, sizes.Count == 2);
    }

    private static Rejection? ReadSize(JsonElement? parameters, string label, out long? size)
    {
        size = null;
        if (parameters is not { } found)
        {
            return null;
        }
        if (found.ValueKind != JsonValueKind.Object)
        {
            return Invalid($"The {label}'s \"parameters\" must be an object, not {PredictRequestParser.Describe(found.ValueKind)}.");
        }
        if (!found.TryGetProperty(BinaryDataSize, out var declared))
        {
            return null;
        }
        if (declared.ValueKind != JsonValueKind.Number || !declared.TryGetInt64(out long bytes) || bytes < 0)
        {
            return Invalid($"The {label}'s {BinaryDataSize} must be a whole number of bytes, at least 0.");
        }
        size = bytes;
        return null;
    }

    private static Outcome<string[]> ReadJsonTexts(JsonElement data, int rows, bool mayNest, string label)
    {
        if (data.ValueKind != JsonValueKind.Array)
        {
            return Invalid($"The {label}'s \"data\" must be an array of strings, not {PredictRequestParser.Describe(data.ValueKind)}.");
        }
        int count = data.GetArrayLength();
        if (count != rows)
        {
            return Invalid($"The {label} has {count} elements in \"data\" but its shape says {rows}.");
        }
        var texts = new string[rows];
        int i = 0;
        foreach (var item in data.EnumerateArray())
        {
            var element = item;
            string path = $"data[{i}]";
            // [N, 1] may come nested: [["a"], ["b"]].
            if (element.ValueKind == JsonValueKind.Array && mayNest)
            {
                if (element.GetArrayLength() != 1)
                {
                    return Invalid($"The {label}'s {path} has {element.GetArrayLength()} elements; a row of shape [N, 1] has one.");
                }
                element = element[0];
                path += "[0]";
            }
            var text = ReadText(element, label, path);
            if (!text.IsAccepted)
            {
                return text.Rejection;
            }
            texts[i++] = text.Value;
        }
        return texts;
    }

    private static Outcome<string> ReadText(JsonElement element, string label, string path)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            return Invalid($"The {label}'s {path} must be a string (a BYTES element), not {PredictRequestParser.Describe(element.ValueKind)}.");
        }
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Invalid($"The {label}'s {path} contains an escape that is not valid text (an unpaired UTF-16 surrogate such as \\ud800).");
        }
        return NonEmpty(value, label, path);
    }

    /// <summary>BYTES elements as binary tensor data: a 4-byte little-endian length, then that many bytes of UTF-8.</summary>
    private static Outcome<string[]> ReadBinaryTexts(ReadOnlyMemory<byte> binary, long size, int rows, string label)
    {
        if (size > binary.Length)
        {
            return Invalid($"The {label}'s {BinaryDataSize} is {size} but {binary.Length} bytes follow the JSON"
                + (binary.IsEmpty ? $" (is {HeaderLengthHeader} missing?)." : $" ({HeaderLengthHeader})."));
        }
        if (size < binary.Length)
        {
            return Invalid($"{binary.Length - size} bytes after the {label}'s {BinaryDataSize} ({size}) belong to no tensor.");
        }
        var span = binary.Span;
        var texts = new string[rows];
        int at = 0;
        for (int i = 0; i < rows; i++)
        {
            string path = $"element {i} of the binary data";
            if (span.Length - at < sizeof(uint))
            {
                return Invalid($"The {label}'s binary data holds {i} elements; its shape says {rows}.");
            }
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(span[at..]);
            at += sizeof(uint);
            if (length > span.Length - at)
            {
                return Invalid($"The {label}'s {path} is {length} bytes long but only {span.Length - at} bytes of its {BinaryDataSize} remain.");
            }
            var bytes = span.Slice(at, (int)length);
            at += (int)length;
            if (PredictRequestParser.InvalidUtf8At(bytes) is { } offset)
            {
                return Invalid($"The {label}'s {path} is not valid UTF-8 (byte 0x{bytes[offset]:X2} at offset {offset}).");
            }
            var text = NonEmpty(Encoding.UTF8.GetString(bytes), label, path);
            if (!text.IsAccepted)
            {
                return text.Rejection;
            }
            texts[i] = text.Value;
        }
        return at == span.Length
            ? texts
            : Invalid($"The {label}'s binary data has {span.Length - at} bytes after its {rows} elements; its shape says {rows}.");
    }

    private static Outcome<string> NonEmpty(string value, string label, string path) =>
        string.IsNullOrWhiteSpace(value) ? Invalid($"The {label}'s {path} is empty or whitespace-only; send some text to classify.") : value;

    private static Outcome<RequestedOutput[]> ReadOutputs(JsonElement? outputs, bool binaryByDefault)
    {
        if (outputs is not { } array || (array.ValueKind == JsonValueKind.Array && array.GetArrayLength() == 0))
        {
            return binaryByDefault ? AllAsBinary : AllAsJson;
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            return Invalid($"\"outputs\" must be an array, not {PredictRequestParser.Describe(array.ValueKind)}.");
        }
        var requested = new List<RequestedOutput>(array.GetArrayLength());
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var output = ReadOutput(item, i++, binaryByDefault);
            if (!output.IsAccepted)
            {
                return output.Rejection;
            }
            if (requested.Any(r => r.Output == output.Value.Output))
            {
                return Invalid($"The output \"{output.Value.Name}\" is asked for more than once.");
            }
            requested.Add(output.Value);
        }
        return requested.ToArray();
    }

    private static Outcome<RequestedOutput> ReadOutput(JsonElement item, int index, bool binaryByDefault)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return Invalid($"outputs[{index}] must be an object, not {PredictRequestParser.Describe(item.ValueKind)}.");
        }
        if (!item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return Invalid($"outputs[{index}] needs a \"name\" string: {Known()}.");
        }
        string text = name.GetString()!;
        if (RequestedOutput.Find(text) is not { } output)
        {
            return Invalid($"Unknown output \"{PredictRequestParser.Truncate(text)}\"; the model's outputs are {Known()}.");
        }
        item.TryGetProperty("parameters", out var parameters);
        if (parameters.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object))
        {
            return Invalid($"The output \"{text}\"'s \"parameters\" must be an object, not {PredictRequestParser.Describe(parameters.ValueKind)}.");
        }
        if (ReadBool(parameters.ValueKind == JsonValueKind.Object ? parameters : null, BinaryData, $"the output \"{text}\"'s parameters", out bool? binary) is { } badBinary)
        {
            return badBinary;
        }
        int? classification = null;
        if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(ClassificationParameter, out var count))
        {
            if (count.ValueKind != JsonValueKind.Number || !count.TryGetInt32(out int k) || k < 1)
            {
                return Invalid($"The output \"{text}\"'s {ClassificationParameter} must be a whole number of classes, at least 1.");
            }
            if (output == InferOutput.Label)
            {
                return Invalid($"{ClassificationParameter} applies to \"{RequestedOutput.ProbabilitiesName}\" or \"{RequestedOutput.LogitsName}\", not to \"{text}\".");
            }
            classification = k;
        }
        return new RequestedOutput(output, classification, binary ?? binaryByDefault);
    }

    private static Rejection? ReadBool(JsonElement? parameters, string name, string where, out bool? flag)
    {
        flag = null;
        if (parameters is not { } found)
        {
            return null;
        }
        if (found.ValueKind != JsonValueKind.Object)
        {
            return Invalid($"\"{where}\" must be an object, not {PredictRequestParser.Describe(found.ValueKind)}.");
        }
        if (!found.TryGetProperty(name, out var value))
        {
            return null;
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Invalid($"{name} in {where} must be true or false, not {PredictRequestParser.Describe(value.ValueKind)}.");
        }
        flag = value.ValueKind == JsonValueKind.True;
        return null;
    }

    /// <summary>The 400 for a classification count larger than the model's <paramref name="classes"/>; null when every count fits.</summary>
    public static Rejection? CheckClassification(InferRequest request, int classes)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var output in request.Outputs)
        {
            if (output.Classification > classes)
            {
                return Invalid(string.Create(CultureInfo.InvariantCulture,
                    $"The output \"{output.Name}\" asks for {ClassificationParameter} {output.Classification}; the model has {classes} classes."));
            }
        }
        return null;
    }

    private static RequestedOutput[] AllOutputs(bool binary) =>
        [new(InferOutput.Label, null, binary), new(InferOutput.Probabilities, null, binary), new(InferOutput.Logits, null, binary)];

    private static string Known() => string.Join(", ", RequestedOutput.Names.Select(n => $"\"{n}\""));

    private static Rejection Invalid(string detail) => Problems.InvalidRequest(detail);
}
