using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace TextClassification.Bench;

/// <summary>
/// What metrics add to one POST /predict, measured without HTTP: the samples the server records per request with the
/// same OpenTelemetry SDK and instrument shapes (ASP.NET Core's http.server.request.duration with its route, method,
/// status, scheme and protocol tags and http.server.active_requests; the model's tokens per text, unknown-token ratio
/// and queue duration; a forward's batch size and duration and the per-label text count, shared by the batch), once
/// with a MeterProvider listening as Metrics:Enabled=true has it, once without any (Metrics:Enabled=false).
/// </summary>
internal static class RequestMetrics
{
    private static readonly double[] Latency = [5e-05, 9.9e-05, 0.00019, 0.00038, 0.00075, 0.0015, 0.0029, 0.0058, 0.011, 0.022, 0.044, 0.087, 0.17, 0.34, 0.66, 1.3, 2.6, 5.1, 10];

    public static void Run(int batchSize)
    {
        foreach (bool listening in new[] { false, true, false, true })
        {
            using var meter = new Meter("Bench.Server");
            using var hosting = new Meter("Bench.Hosting");
            var duration = hosting.CreateHistogram<double>("http.server.request.duration", "s");
            var active = hosting.CreateUpDownCounter<long>("http.server.active_requests");
            var latency = new InstrumentAdvice<double> { HistogramBucketBoundaries = Latency };
            var tokens = meter.CreateHistogram<int>("textclf.tokens_per_text", "{token}");
            var unknown = meter.CreateHistogram<double>("textclf.unknown_token_ratio");
            var queue = meter.CreateHistogram<double>("textclf.queue.duration", "s", advice: latency);
            var forward = meter.CreateHistogram<double>("textclf.inference.duration", "s", advice: latency);
            var batch = meter.CreateHistogram<int>("textclf.batch.size", "{text}");
            long spam = 0;
            using var provider = listening
                ? Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name, hosting.Name)
                    .AddView(duration.Name, new ExplicitBucketHistogramConfiguration { Boundaries = Latency })
                    .AddInMemoryExporter(new List<Metric>()).Build()
                : null;
            var activeTags = new TagList { { "http.request.method", "POST" }, { "url.scheme", "https" } };
            var requestTags = new TagList
            {
                { "http.request.method", "POST" }, { "url.scheme", "https" }, { "network.protocol.version", "1.1" },
                { "http.route", "/predict" }, { "http.response.status_code", 200 },
            };
            const int Requests = 2_000_000;
            void Request(int i)
            {
                active.Add(1, activeTags);
                tokens.Record(250);
                if (unknown.Enabled)
                {
                    unknown.Record(0.05);
                }
                queue.Record(0.000_02);
                if (i % batchSize == 0)
                {
                    batch.Record(batchSize);
                    forward.Record(0.000_3);
                    Interlocked.Add(ref spam, batchSize);
                }
                duration.Record(0.000_9, requestTags);
                active.Add(-1, activeTags);
            }
            for (int i = 0; i < 10_000; i++)
            {
                Request(i);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (int i = 0; i < Requests; i++)
            {
                Request(i);
            }
            double nanoseconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds / Requests;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Console.WriteLine($"metrics of one request, batch {batchSize,2}, {(listening ? "listening (Metrics:Enabled=true) " : "nobody listens (Metrics:Enabled=false)"),-38} "
                + $"{nanoseconds,7:N0} ns CPU   {allocated / (double)Requests,5:N1} B/request");
        }
    }
}
