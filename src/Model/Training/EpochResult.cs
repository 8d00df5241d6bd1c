namespace TextClassification.Model.Training;

/// <summary>One epoch: the train loop's mean loss, then the test loop's mean loss and accuracy.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy, double LearningRate, TimeSpan Elapsed);
