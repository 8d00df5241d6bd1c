using TextClassification.Server.Lifecycle;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>
/// Signals this test run was started with ignored (<see cref="IgnoredSignals"/>), which every server it starts
/// inherits: a test that sends one would wait for nothing.
/// </summary>
public static class InheritedSignals
{
    public static string Reason(string name) =>
        $"this test run was started with {name} ignored (nohup, or a background job of a non-interactive shell), and the servers it starts inherit that";
}
