using System.Text.Json;
using TextClassification.Server.Errors;

namespace TextClassification.Server.Predictions;

/// <summary>Reads option values strictly, for every <see cref="IRequestOptions{TSelf}"/>: a wrong type or <c>null</c> is a 400 naming the property.</summary>
internal static class OptionValues
{
    public static Rejection? ReadBoolean(string name, JsonElement value, ref bool? target)
    {
        if (target is not null)
        {
            return Problems.InvalidRequest($"\"{name}\" appears more than once.");
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Problems.InvalidRequest($"\"{name}\" must be true or false, not {PredictRequestParser.Describe(value.ValueKind)}.");
        }
        target = value.GetBoolean();
        return null;
    }

    /// <summary>A whole number of at least 1 (<c>3</c> or <c>3.0</c>, not <c>3.5</c>, <c>0</c> or <c>"3"</c>).</summary>
    public static Rejection? ReadCount(string name, JsonElement value, ref int? target)
    {
        if (target is not null)
        {
            return Problems.InvalidRequest($"\"{name}\" appears more than once.");
        }
        if (value.ValueKind != JsonValueKind.Number)
        {
            return Problems.InvalidRequest($"\"{name}\" must be a whole number of at least 1, not {PredictRequestParser.Describe(value.ValueKind)}.");
        }
        if (!value.TryGetDouble(out double number) || number != Math.Floor(number) || number < 1)
        {
            return Problems.InvalidRequest($"\"{name}\" must be a whole number of at least 1, not {Raw(value)}.");
        }
        target = number >= int.MaxValue ? int.MaxValue : (int)number; // larger than any count: keeps everything
        return null;
    }

    private static string Raw(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 32 ? raw : raw[..32] + "…";
    }
}
