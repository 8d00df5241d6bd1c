using System.Diagnostics;
using System.Net;
using TextClassification.Server.Errors;
using TextClassification.Server.Predictions;
using TextClassification.Server.Tests.Infrastructure;

namespace TextClassification.Server.Tests;

/// <summary>
/// Fuzzing the request parser: every mutated body is accepted (texts that are all non-blank, within the limit) or
/// refused with a 400 problem; none throws, hangs, or gets a 5xx from the server. Reproducible from the seed printed
/// on failure (set TEXTCLF_FUZZ_SEED to replay a run).
/// </summary>
public sealed class PredictRequestFuzzTests(ServerFactory factory) : IClassFixture<ServerFactory>
{
    private const int MaxTexts = 256;
    private const int ParserBodies = 100_000;
    private const int ServerBodies = 3_000;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(1);
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("TEXTCLF_FUZZ_SEED"), out int seed) ? seed : 20_261_202;

    [Fact]
    public void AHundredThousandMutatedBodiesAreEachParsedOrRefusedWithA400WithinAMinute()
    {
        var fuzzer = new RequestFuzzer(Seed);
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        int accepted = 0;
        for (int i = 0; i < ParserBodies; i++)
        {
            byte[] body = fuzzer.Next();
            long start = Stopwatch.GetTimestamp();
            Outcome<PredictInput> outcome;
            try
            {
                outcome = PredictRequestParser.Parse(body, MaxTexts);
            }
            catch (Exception ex)
            {
                Assert.Fail($"body {i} (seed {Seed}) threw {ex.GetType().Name}: {ex.Message}; body starts {Show(body)}");
                return;
            }
            var elapsed = Stopwatch.GetElapsedTime(start);
            slowest = elapsed > slowest ? elapsed : slowest;
            if (outcome.IsAccepted)
            {
                accepted++;
                var texts = outcome.Value.Texts;
                Assert.True(texts.Count is >= 1 and <= MaxTexts && texts.All(text => !string.IsNullOrWhiteSpace(text)),
                    $"body {i} (seed {Seed}) was accepted with {texts.Count} texts, some blank or too many: {Show(body)}");
            }
            else
            {
                var problem = outcome.Rejection;
                Assert.True(problem.Status == 400 && problem.Detail.Length > 0 && problem.Type.StartsWith("https://", StringComparison.Ordinal),
                    $"body {i} (seed {Seed}) was refused with {problem.Status} \"{problem.Detail}\": {Show(body)}");
            }
        }

        Assert.True(clock.Elapsed < Budget, $"{ParserBodies} bodies took {clock.Elapsed.TotalSeconds:0.0} s (seed {Seed})");
        Assert.True(slowest < TimeSpan.FromSeconds(1), $"one body took {slowest.TotalMilliseconds:0} ms to parse (seed {Seed})");
        // Mutations of valid requests must not all be rejected, or the fuzzer would only be exercising the first check.
        Assert.InRange(accepted, ParserBodies / 100, ParserBodies / 2);
    }

    [Fact]
    public async Task MutatedBodiesSentToTheServerGetA2xxOrA4xxProblemAndNever5xx()
    {
        var fuzzer = new RequestFuzzer(Seed + 1);
        byte[][] bodies = [.. Enumerable.Range(0, ServerBodies).Select(_ => fuzzer.Next())];
        var clock = Stopwatch.StartNew();

        var statuses = await Task.WhenAll(Partitioner(bodies, 8).Select(async part =>
        {
            var seen = new List<int>();
            foreach (var (body, index) in part)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                using var content = new ByteArrayContent(body);
                content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                using var response = await factory.Client.PostAsync(new Uri("/predict", UriKind.Relative), content, timeout.Token);
                int status = (int)response.StatusCode;
                string text = await response.Content.ReadAsStringAsync(timeout.Token);
                Assert.True(status is >= 200 and < 300 or >= 400 and < 500, $"body {index} (seed {Seed + 1}) got {status}: {text}; body starts {Show(body)}");
                if (status >= 400)
                {
                    Assert.Equal(ServerFactory.ProblemContentType, response.Content.Headers.ContentType?.MediaType);
                    ServerFactory.AssertNoStackTrace(text);
                }
                seen.Add(status);
            }
            return seen;
        }));

        Assert.True(clock.Elapsed < Budget, $"{ServerBodies} requests took {clock.Elapsed.TotalSeconds:0.0} s (seed {Seed + 1})");
        var all = statuses.SelectMany(s => s).ToList();
        Assert.Contains(all, status => status == (int)HttpStatusCode.OK);
        Assert.Contains(all, status => status == (int)HttpStatusCode.BadRequest);
    }

    private static IEnumerable<IEnumerable<(byte[] Body, int Index)>> Partitioner(byte[][] bodies, int parts) =>
        Enumerable.Range(0, parts).Select(part => bodies.Select((body, index) => (body, index)).Where(item => item.index % parts == part));

    private static string Show(byte[] body) => Convert.ToBase64String(body, 0, Math.Min(body.Length, 200));
}
