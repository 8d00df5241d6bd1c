using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TextClassification.Server.Errors;
using TextClassification.Server.Inference;
using TextClassification.Server.Info;

namespace TextClassification.Server.Observability;

/// <summary>
/// Request IDs, the access log, metrics and tracing, through OpenTelemetry .NET: one SDK reads the framework's and the
/// runtime's System.Diagnostics.Metrics instruments and this server's, exports them to Prometheus, and traces over OTLP.
/// </summary>
internal static class ObservabilitySetup
{
    /// <summary>The standard OpenTelemetry variable whose presence switches tracing on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The standard variable naming the service; AddService would otherwise override it.</summary>
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    private const string RuntimeMeter = "System.Runtime";
    private const string HttpRequestDurationName = "http.server.request.duration";

    /// <summary>
    /// Runtime gauges named <c>*.count</c>, which Prometheus' naming rules (and <c>promtool check metrics</c>) reserve
    /// for histograms and summaries, and which say little about this server: assemblies loaded, timers, the CPU count.
    /// </summary>
    private static readonly string[] DroppedInstruments = ["dotnet.assembly.count", "dotnet.timer.count", "dotnet.process.cpu.count"];

    /// <summary>
    /// The meters exported besides this server's: ASP.NET Core's request histogram (labelled by route template, never
    /// by path) and active requests, Kestrel's connections, unhandled exceptions, and the runtime's own meter (CPU,
    /// working set, GC, thread pool), which .NET 9+ publishes without an extra package.
    /// </summary>
    private static readonly string[] Meters =
        [InferenceMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics", RuntimeMeter];

    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AccessLogOptions>().BindConfiguration(AccessLogOptions.SectionName).ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<RejectionMetrics>();

        // Decided here because they choose what is registered; a bad value fails startup with one line naming the key.
        var metrics = builder.Configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();
        bool tracing = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]);
        if (!metrics.Enabled && !tracing)
        {
            return builder;
        }
        string serviceName = builder.Configuration[ServiceNameVariable] is { Length: > 0 } named ? named : InfoEndpoints.ServiceName;
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(serviceName));
        if (metrics.Enabled)
        {
            builder.AddMetricsListener(metrics);
            telemetry.WithMetrics(meters => meters
                .AddMeter(Meters)
                .AddView(HttpRequestDurationName, new ExplicitBucketHistogramConfiguration { Boundaries = [.. HistogramBuckets.Latency] })
                .AddView(instrument => DroppedInstruments.Contains(instrument.Name) && instrument.Meter.Name == RuntimeMeter ? MetricStreamConfiguration.Drop : null)
                // Created with the provider, so that their instruments (and counters at 0) exist before the first request.
                .AddInstrumentation(provider => provider.GetRequiredService<InferenceMetrics>())
                .AddInstrumentation(provider => provider.GetRequiredService<RejectionMetrics>())
                .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        }
        if (tracing)
        {
            // The OTLP exporter reads the standard OTEL_EXPORTER_OTLP_* variables (endpoint, protocol, headers).
            telemetry.WithTracing(traces => traces
                .AddSource(InferenceTracing.SourceName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => IsTraced(context.Request.Path))
                .AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>Request IDs and the access log around everything else, then the Metrics:Port guard.</summary>
    public static IApplicationBuilder UseObservability(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RequestIdMiddleware>();
        if (app.ApplicationServices.GetRequiredService<IOptions<AccessLogOptions>>().Value.Enabled)
        {
            app.UseMiddleware<AccessLogMiddleware>();
        }
        return app.UseMetricsPortOnlyForMetrics();
    }

    /// <summary>Probes and scrapes are not traced: they would drown the requests that matter.</summary>
    private static bool IsTraced(PathString path) => !path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) && !MetricsEndpoints.IsScrape(path);
}
