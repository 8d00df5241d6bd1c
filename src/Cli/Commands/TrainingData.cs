namespace TextClassification.Cli.Commands;

/// <summary>The files a model was trained and tested on, and how many examples each side held.</summary>
internal sealed record TrainingData(IReadOnlyList<string> TrainFiles, string TestFile, int TrainExamples, int TestExamples);
