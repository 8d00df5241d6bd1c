namespace TextClassification.Server.Lifecycle;

/// <summary>Puts <see cref="DrainMiddleware"/> first in the pipeline, so it sees every request (health probes included).</summary>
internal sealed class DrainStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<DrainMiddleware>();
        next(app);
    };
}
