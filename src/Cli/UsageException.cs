namespace TextClassification.Cli;

/// <summary>A bad command line found only while running (e.g. no text on stdin); exit code 2 like a parse error.</summary>
internal sealed class UsageException(string message) : Exception(message);
