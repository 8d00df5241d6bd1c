namespace TextClassification.Server.Lifecycle;

/// <summary>Replaces the model in service with the bundle now at <c>Model:Path</c>, or refuses it and keeps the old one.</summary>
internal interface IModelReloader
{
    /// <summary>The last attempt, or null before any.</summary>
    ReloadAttempt? LastAttempt { get; }

    /// <summary>Loads and warms up the bundle beside the model in service, then swaps it in; never throws for a bad bundle.</summary>
    /// <param name="trigger">What asked for the reload, for the log (e.g. "SIGHUP").</param>
    Task<ReloadAttempt> ReloadAsync(string trigger, CancellationToken cancellationToken = default);
}
