using System.Diagnostics;
using TextClassification.Model.Training;

namespace TextClassification.Cli;

/// <summary>Prints a progress bar with ETA on a terminal (stderr) and one line per epoch (stdout).</summary>
internal sealed class ConsoleProgress(TextWriter stdout, TextWriter stderr, int epochs, bool interactive) : IProgressSink
{
    private const int Width = 30;
    private readonly Stopwatch epochWatch = new();
    private long lastDraw;

    public void Batch(int epoch, int batch, int batches, double runningLoss)
    {
        if (batch == 1)
        {
            epochWatch.Restart();
            lastDraw = 0;
        }
        if (!interactive || (epochWatch.ElapsedMilliseconds - lastDraw < 100 && batch != batches))
        {
            return;
        }
        lastDraw = epochWatch.ElapsedMilliseconds;
        double fraction = (double)batch / batches;
        int filled = (int)(fraction * Width);
        double eta = fraction > 0 ? epochWatch.Elapsed.TotalSeconds * (1 - fraction) / fraction : 0;
        stderr.Write($"\repoch {epoch}/{epochs} [{new string('#', filled)}{new string('.', Width - filled)}] {batch}/{batches} loss {runningLoss:F4} ETA {eta:F1}s   ");
        if (batch == batches)
        {
            stderr.Write('\r' + new string(' ', Width + 60) + '\r');
        }
    }

    public void Epoch(EpochResult result) =>
        stdout.WriteLine($"epoch {result.Epoch}/{epochs} | train loss {result.TrainLoss:F4} | test loss {result.TestLoss:F4} | "
            + $"accuracy {result.TestAccuracy:P2} | lr {result.LearningRate:G4} | {result.Elapsed.TotalSeconds:F2} s");
}
