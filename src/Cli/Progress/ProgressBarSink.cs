using Spectre.Console;
using TextClassification.Model.Training;

namespace TextClassification.Cli.Progress;

/// <summary>Moves one Spectre.Console task across all batches of all epochs (so its ETA covers the whole run) and prints epoch lines.</summary>
internal sealed class ProgressBarSink(ProgressTask task, EpochLines lines, int epochs) : IProgressSink
{
    public void Batch(int epoch, int batch, int batches, double runningLoss)
    {
        task.MaxValue = (double)batches * epochs;
        task.Value = ((double)(epoch - 1) * batches) + batch;
        task.Description = $"epoch {epoch}/{epochs} loss {runningLoss:F4}";
    }

    public void Epoch(EpochResult result) => lines.Epoch(result);
}
