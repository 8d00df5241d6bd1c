using TextClassification.Server.Security;

namespace TextClassification.Server.Tests;

/// <summary>When the reclaim after a burst of large request bodies runs (bench/attacks/stalled-uploads.sh measures what it gives back).</summary>
public sealed class MemoryReclaimerTests
{
    [Theory]
    [InlineData(MemoryReclaimer.ThresholdBytes, 10.0, true)] // enough released, quiet since
    [InlineData(MemoryReclaimer.ThresholdBytes - 1, 60.0, false)] // ordinary traffic never adds up to a reclaim
    [InlineData(MemoryReclaimer.ThresholdBytes * 4, 9.9, false)] // still arriving (or their connections still draining)
    [InlineData(0, 3600.0, false)]
    public void ReclaimsOnlyAfterEnoughLargeBodiesAndAQuietSpell(long released, double quietSeconds, bool due) =>
        Assert.Equal(due, MemoryReclaimer.IsDue(released, TimeSpan.FromSeconds(quietSeconds)));
}
