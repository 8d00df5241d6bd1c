using System.Diagnostics;
using TextClassification.Model.Data;
using TextClassification.Model.Modeling;
using TextClassification.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace TextClassification.Model.Training;

/// <summary>
/// The notes' optimisation loop: per epoch a training loop (<c>zero_grad</c> → <c>backward</c> → <c>step</c>) and a
/// test loop under <c>no_grad</c>, with CrossEntropyLoss and SGD (or Adam), optional StepLR, clipping and accumulation.
/// </summary>
public sealed class Trainer
{
    private readonly TrainingOptions options;

    public Trainer(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    /// <summary>Builds the vocabulary and labels from <paramref name="train"/>, then trains a new model.</summary>
    public TrainingResult Train(IReadOnlyList<LabeledText> train, IReadOnlyList<LabeledText> test, IProgressSink? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (train.Count == 0)
        {
            throw new ArgumentException("the training set is empty", nameof(train));
        }
        var tokenizer = BasicEnglishTokenizer.Instance;
        var trainTokens = train.Select(example => NGrams.Expand(tokenizer.Tokenize(example.Text), options.NGrams)).ToList();
        var vocabulary = Vocabulary.Build(trainTokens, options.MinFreq, options.MaxTokens);
        var labels = train.Select(example => example.Label).Distinct(StringComparer.Ordinal).Order(PythonStringComparer.Instance).ToList();
        if (labels.Count < 2)
        {
            throw new ArgumentException($"the training set has only the label \"{labels[0]}\"; a classifier needs at least two", nameof(train));
        }
        var unknown = test.Select(example => example.Label).Where(label => !labels.Contains(label)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"the test set has label(s) the training set lacks: {string.Join(", ", unknown)}", nameof(test));
        }
        var labelIds = labels.Select((label, id) => (label, id)).ToDictionary(pair => pair.label, pair => (long)pair.id, StringComparer.Ordinal);
        var trainSet = trainTokens.Select((tokens, i) => new EncodedExample(vocabulary.Lookup(tokens), labelIds[train[i].Label])).ToList();
        var testSet = Encode(test, vocabulary, labelIds, options.NGrams);

        torch.set_num_threads(options.Threads);
        using var generator = new Generator((ulong)options.Seed);
        var model = new TextClassifier(vocabulary.Count, options.EmbedDim, labels.Count, generator);
        var epochs = Fit(model, trainSet, testSet, progress, cancellation);
        return new TrainingResult(model, vocabulary, labels, epochs);
    }

    /// <summary>Encodes labelled texts with an existing vocabulary and label ids, as prediction does (n-grams up to <paramref name="ngrams"/>).</summary>
    public static List<EncodedExample> Encode(IReadOnlyList<LabeledText> examples, Vocabulary vocabulary, IReadOnlyDictionary<string, long> labelIds, int ngrams = 1)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(labelIds);
        var tokenizer = BasicEnglishTokenizer.Instance;
        var ids = new List<int>();
        return [.. examples.Select(example =>
        {
            ids.Clear();
            vocabulary.Encode(example.Text, tokenizer, ids, ngrams);
            return new EncodedExample([.. ids], labelIds[example.Label]);
        })];
    }

    /// <summary>Trains <paramref name="model"/> in place (also a loaded one: fine-tuning) and returns the per-epoch history.</summary>
    public IReadOnlyList<EpochResult> Fit(TextClassifier model, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> test,
        IProgressSink? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        torch.set_num_threads(options.Threads);
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad_(true); // a bundle loaded for inference may have them off
        }
        using var optimizer = CreateOptimizer(model);
        var scheduler = options.LrStepEpochs > 0 ? optim.lr_scheduler.StepLR(optimizer, options.LrStepEpochs, options.LrGamma) : null;
        using var criterion = nn.CrossEntropyLoss();
        var random = new Random(options.Seed);
        int[] order = [.. Enumerable.Range(0, train.Count)];
        var history = new List<EpochResult>();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            double learningRate = optimizer.ParamGroups.First().LearningRate;
            random.Shuffle(order);
            double trainLoss = TrainEpoch(model, optimizer, criterion, train, order, options.BatchSize, options.AccumulationSteps, options.ClipGradNorm,
                (batch, batches, loss) => progress?.Batch(epoch, batch, batches, loss), cancellation);
            var (testLoss, accuracy) = test.Count > 0 ? Test(model, criterion, test, options.BatchSize) : (double.NaN, double.NaN);
            scheduler?.step();
            var result = new EpochResult(epoch, trainLoss, testLoss, accuracy, learningRate, watch.Elapsed);
            history.Add(result);
            progress?.Epoch(result);
        }
        model.eval();
        return history;
    }

    /// <summary>
    /// One pass over <paramref name="train"/> in <paramref name="order"/>. With accumulation N, gradients of N batches
    /// (each loss scaled by 1/N) are summed by backward() before one step: the notes' reason zero_grad() comes first.
    /// Returns the mean loss per example.
    /// </summary>
    public static double TrainEpoch(TextClassifier model, optim.Optimizer optimizer, nn.Module<Tensor, Tensor, Tensor> criterion,
        IReadOnlyList<EncodedExample> train, IReadOnlyList<int> order, int batchSize, int accumulationSteps, double clipGradNorm,
        Action<int, int, double>? onBatch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(order);
        model.train();
        int batches = (order.Count + batchSize - 1) / batchSize;
        double lossSum = 0;
        long seen = 0;
        for (int batch = 0; batch < batches; batch++)
        {
            cancellation.ThrowIfCancellationRequested();
            int groupStart = batch / accumulationSteps * accumulationSteps;
            int groupSize = Math.Min(accumulationSteps, batches - groupStart);
            if (batch == groupStart)
            {
                optimizer.zero_grad();
            }
            using (var scope = NewDisposeScope())
            {
                var examples = Slice(train, order, batch * batchSize, batchSize);
                var (text, offsets) = TextBatch.Collate([.. examples.Select(e => e.Ids)]);
                var labels = tensor(examples.Select(e => e.Label).ToArray(), ScalarType.Int64);
                var loss = criterion.call(model.call(text, offsets), labels);
                (groupSize == 1 ? loss : loss / groupSize).backward();
                double value = loss.item<float>();
                lossSum += value * examples.Count;
                seen += examples.Count;
                if (batch == groupStart + groupSize - 1)
                {
                    if (clipGradNorm > 0)
                    {
                        nn.utils.clip_grad_norm_(model.parameters(), clipGradNorm);
                    }
                    optimizer.step();
                }
            }
            onBatch?.Invoke(batch + 1, batches, lossSum / seen);
        }
        return seen == 0 ? double.NaN : lossSum / seen;
    }

    /// <summary>The test loop: mean loss per example and accuracy, without gradients.</summary>
    public static (double Loss, double Accuracy) Test(TextClassifier model, nn.Module<Tensor, Tensor, Tensor> criterion, IReadOnlyList<EncodedExample> test, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(criterion);
        ArgumentNullException.ThrowIfNull(test);
        model.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0;
        int[] order = [.. Enumerable.Range(0, test.Count)];
        for (int start = 0; start < test.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var examples = Slice(test, order, start, batchSize);
            var (text, offsets) = TextBatch.Collate([.. examples.Select(e => e.Ids)]);
            var labels = tensor(examples.Select(e => e.Label).ToArray(), ScalarType.Int64);
            var logits = model.call(text, offsets);
            lossSum += criterion.call(logits, labels).item<float>() * examples.Count;
            correct += logits.argmax(1).eq(labels).sum().item<long>();
        }
        return (lossSum / test.Count, (double)correct / test.Count);
    }

    private optim.Optimizer CreateOptimizer(TextClassifier model) => options.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(model.parameters(), options.LearningRate),
        _ => optim.SGD(model.parameters(), options.LearningRate),
    };

    private static List<EncodedExample> Slice(IReadOnlyList<EncodedExample> data, IReadOnlyList<int> order, int start, int count)
    {
        int end = Math.Min(start + count, order.Count);
        var slice = new List<EncodedExample>(end - start);
        for (int i = start; i < end; i++)
        {
            slice.Add(data[order[i]]);
        }
        return slice;
    }
}
