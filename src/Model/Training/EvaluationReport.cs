using TextClassification.Model.Data;
using TextClassification.Model.Inference;

namespace TextClassification.Model.Training;

/// <summary>Accuracy, per-class precision and recall, and the confusion matrix (rows: actual, columns: predicted).</summary>
public sealed record EvaluationReport(IReadOnlyList<string> Labels, int Count, double Accuracy, IReadOnlyList<double> Precision, IReadOnlyList<double> Recall, int[][] Confusion)
{
    public static EvaluationReport Evaluate(Predictor predictor, IReadOnlyList<LabeledText> data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(data);
        var labels = predictor.Labels;
        var index = labels.Select((label, i) => (label, i)).ToDictionary(pair => pair.label, pair => pair.i, StringComparer.Ordinal);
        var unknown = data.Where(d => !index.ContainsKey(d.Label)).Select(d => d.Label).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"the data has label(s) the model does not know: {string.Join(", ", unknown)} (model labels: {string.Join(", ", labels)})", nameof(data));
        }
        var confusion = labels.Select(_ => new int[labels.Count]).ToArray();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            var chunk = data.Skip(start).Take(batchSize).ToList();
            var predictions = predictor.Predict([.. chunk.Select(d => d.Text)]);
            for (int i = 0; i < chunk.Count; i++)
            {
                confusion[index[chunk[i].Label]][predictions[i].LabelIndex]++;
            }
        }
        int correct = Enumerable.Range(0, labels.Count).Sum(i => confusion[i][i]);
        var precision = Enumerable.Range(0, labels.Count).Select(c => Ratio(confusion[c][c], confusion.Sum(row => row[c]))).ToList();
        var recall = Enumerable.Range(0, labels.Count).Select(c => Ratio(confusion[c][c], confusion[c].Sum())).ToList();
        return new EvaluationReport(labels, data.Count, Ratio(correct, data.Count), precision, recall, confusion);
    }

    private static double Ratio(int numerator, int denominator) => denominator == 0 ? double.NaN : (double)numerator / denominator;
}
