using TextClassification.Model.Training;

namespace TextClassification.Cli.Progress;

/// <summary>
/// One line per finished epoch, in the format scripts parse (bench/run.py); batches are not reported.
/// The progress output without a terminal, and the lines a <see cref="ProgressBarSink"/> prints above itself.
/// </summary>
internal sealed class EpochLines(Action<string> writeLine, int epochs) : IProgressSink
{
    public void Batch(int epoch, int batch, int batches, double runningLoss)
    {
    }

    public void Epoch(EpochResult result) =>
        writeLine($"epoch {result.Epoch}/{epochs} | train loss {result.TrainLoss:F4} | test loss {result.TestLoss:F4} | "
            + $"accuracy {result.TestAccuracy:P2} | lr {result.LearningRate:G4} | {result.Elapsed.TotalSeconds:F2} s");
}
