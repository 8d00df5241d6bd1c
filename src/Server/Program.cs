using TextClassification.Server;
using TextClassification.Server.Embeddings;
using TextClassification.Server.Errors;
using TextClassification.Server.Health;
using TextClassification.Server.Hosting;
using TextClassification.Server.Inference;
using TextClassification.Server.Info;
using TextClassification.Server.Lifecycle;
using TextClassification.Server.Observability;
using TextClassification.Server.OpenApi;
using TextClassification.Server.OpenInference;
using TextClassification.Server.Predictions;
using TextClassification.Server.Security;
using TextClassification.Server.Tls;

// The container HEALTHCHECK: probe the running server and exit, without starting a host.
if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args);
}

// Load OpenSSL with the trusted roots, then libtorch, while the host is being built (cold start)
StartupPreload.Start();

try
{
    var builder = WebApplication.CreateBuilder(args);

    // Configure settings: appsettings.json from beside the binary; ASPNETCORE_* variables and the command line override it
    builder.Configuration.UseSettingsBesideBinary();

    // Configure logging: a failed start is reported below as one line, not by the host with a stack trace
    builder.Logging.AddStartupFailureFilter();

    // Configure Kestrel: limits from the Kestrel section; HTTPS with TLS 1.2/1.3, AEAD suites only, and the configured
    // certificate or a persisted self-signed one
    builder.Services.AddKestrelSettings();
    builder.Services.AddTls();

    // Configure JSON, problem details, the model and inference, health checks, Swagger, and the request body deadline and HSTS
    builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServerJsonContext.Default));
    builder.Services.AddApiProblemDetails();
    builder.Services.AddInference();
    builder.Services.AddPredictions(); // the warm-up through the request path before /health turns 200
    builder.Services.AddLifecycle(); // graceful drain on SIGTERM, hot model reload on SIGHUP or Model:Watch
    builder.Services.AddApiDocs();
    builder.Services.AddSecurity();

    // Configure observability: X-Request-Id, the access log, /metrics (and Metrics:Port), OTLP tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set
    builder.AddObservability();

    // Configure access: API keys (Auth:*), per-client rate limits (RateLimit:*), trusted proxies (ForwardedHeaders:*); each off until set
    builder.AddAccessControl();

    await using var app = builder.Build();

    // Configure the pipeline: the client address from a known proxy, request IDs and the access log around everything,
    // security headers and method checks, then errors become problem details, then the public docs, then keys and rate
    // limits, then endpoints
    app.UseForwardedHeadersFromKnownProxies();
    app.UseObservability();
    app.UseSecurity();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseApiDocs();
    app.UseAccessControl();
    app.MapInfo();
    app.MapHealth();
    app.MapPredictions();
    app.MapOpenInference(); // the Open Inference Protocol (KServe V2) under /v2
    app.MapEmbeddings();
    app.MapMetrics();
    app.MapAdmin();

    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupFailure.Report(ex))
{
    StartupPreload.WaitBeforeExit();
    return StartupFailure.ExitCode;
}
