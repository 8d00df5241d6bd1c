namespace TextClassification.Model.Training;

/// <summary>Receives training progress: batches within an epoch and each finished epoch.</summary>
public interface IProgressSink
{
    void Batch(int epoch, int batch, int batches, double runningLoss);

    void Epoch(EpochResult result);
}
