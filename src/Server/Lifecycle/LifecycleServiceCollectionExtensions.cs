using Microsoft.Extensions.Options;

namespace TextClassification.Server.Lifecycle;

internal static class LifecycleServiceCollectionExtensions
{
    /// <summary>
    /// Zero-downtime operations: the graceful drain on SIGTERM/Ctrl+C (Shutdown:*; HostOptions.ShutdownTimeout is the
    /// drain delay plus Shutdown:Timeout) and hot model reload on SIGHUP or a change under Model:Path (Model:Watch*).
    /// Call after AddInference: the host stops services in reverse order, so these stop before the model loader.
    /// </summary>
    public static IServiceCollection AddLifecycle(this IServiceCollection services)
    {
        services.AddOptions<ShutdownOptions>().Configure<IConfiguration>(ShutdownOptions.Bind).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) =>
            host.ShutdownTimeout = shutdown.Value.DrainDelay + shutdown.Value.Timeout);
        services.AddSingleton<DrainState>();
        services.AddTransient<IStartupFilter, DrainStartupFilter>();
        services.AddHostedService<GracefulShutdown>();
        services.AddHealthChecks().AddCheck<DrainHealthCheck>(DrainHealthCheck.Name);

        services.AddOptions<ReloadOptions>().Configure<IConfiguration>(ReloadOptions.Bind).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReloadMetrics>();
        services.AddSingleton<IModelReloader, ModelReloader>();
        services.AddSingleton<BundleWatcher>();
        services.AddHostedService<ReloadTriggers>();
        return services;
    }
}
