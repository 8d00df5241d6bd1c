using System.Text.Encodings.Web;
using System.Text.Json;

namespace TextClassification.Cli;

/// <summary>JSON written for people and scripts: non-ASCII text stays readable instead of \u-escaped.</summary>
internal static class CliJson
{
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonSerializerOptions Line { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
