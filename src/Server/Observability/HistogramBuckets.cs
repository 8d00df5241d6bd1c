namespace TextClassification.Server.Observability;

/// <summary>
/// Bucket boundaries for the server's histograms. Latencies: an exponential series from 50 µs to 10 s (19 boundaries,
/// each about twice the one before, rounded to two significant digits), because a request here takes well under a
/// millisecond and the framework's default buckets (5 ms–10 s) would put nearly all of them in the first bucket.
/// </summary>
internal static class HistogramBuckets
{
    public static IReadOnlyList<double> Latency { get; } = ExponentialRange(50e-6, 10, 19);

    /// <summary>Texts per forward and tokens per text: powers of two.</summary>
    public static IReadOnlyList<int> PowersOfTwo { get; } = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];

    /// <summary>Shares (0 to 1), finer at the low end where a healthy vocabulary sits.</summary>
    public static IReadOnlyList<double> Ratio { get; } = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1];

    /// <summary><paramref name="count"/> boundaries from <paramref name="min"/> to <paramref name="max"/> in a constant ratio (Prometheus' ExponentialBucketsRange).</summary>
    public static double[] ExponentialRange(double min, double max, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(min);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(max, min);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var boundaries = new double[count];
        double factor = Math.Pow(max / min, 1.0 / (count - 1));
        for (int i = 0; i < count; i++)
        {
            double value = min * Math.Pow(factor, i);
            int digits = 1 - (int)Math.Floor(Math.Log10(value));
            boundaries[i] = digits > 0 ? Math.Round(value, Math.Min(digits, 15)) : Math.Round(value);
        }
        return boundaries;
    }
}
