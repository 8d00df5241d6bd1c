namespace TextClassification.Server.Lifecycle;

/// <summary>Whether the server is draining, and how many requests it is answering: shared by the middleware, readiness and the shutdown sequence.</summary>
internal sealed class DrainState
{
    public const string DrainingStatus = "Draining";

    private int draining;
    private long inFlight;
    private long answeredWhileDraining;

    public bool IsDraining => Volatile.Read(ref draining) != 0;

    /// <summary>Requests started and not yet answered.</summary>
    public long InFlight => Interlocked.Read(ref inFlight);

    /// <summary>Requests answered since draining began.</summary>
    public long AnsweredWhileDraining => Interlocked.Read(ref answeredWhileDraining);

    /// <summary>Turns draining on; true for the call that did.</summary>
    public bool Begin() => Interlocked.Exchange(ref draining, 1) == 0;

    public void RequestStarted() => Interlocked.Increment(ref inFlight);

    public void RequestFinished()
    {
        Interlocked.Decrement(ref inFlight);
        if (IsDraining)
        {
            Interlocked.Increment(ref answeredWhileDraining);
        }
    }
}
