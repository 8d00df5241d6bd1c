using System.Diagnostics;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>Publishing by symlink swap, as operators and Kubernetes do it: a new link beside the old one, renamed over it in one step.</summary>
internal static class Symlinks
{
    /// <summary>Points <paramref name="link"/> at <paramref name="target"/> atomically (<c>ln -s</c> + <c>mv -T</c>; .NET's File.Move will not replace a link to a directory).</summary>
    public static void Replace(string link, string target)
    {
        string temporary = link + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        File.CreateSymbolicLink(temporary, target);
        using var move = Process.Start("mv", ["-T", temporary, link]);
        move.WaitForExit();
        Assert.True(move.ExitCode == 0, $"mv -T {temporary} {link} failed");
    }
}
