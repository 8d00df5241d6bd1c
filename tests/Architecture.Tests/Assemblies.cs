using System.Reflection;

namespace TextClassification.Architecture.Tests;

/// <summary>The product's assemblies, loaded by name (the project references copy them here; most of their types are internal).</summary>
internal static class Assemblies
{
    public static Assembly Model { get; } = Assembly.Load("TextClassification.Model");

    public static Assembly Server { get; } = Assembly.Load("Server");

    public static Assembly Cli { get; } = Assembly.Load("textclf");
}
