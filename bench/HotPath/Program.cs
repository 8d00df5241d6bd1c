using System.Diagnostics;
using TextClassification.Model.Data;
using TextClassification.Model.Inference;
using TextClassification.Bench;
using TextClassification.Model.Text;

// Usage: dotnet run -c Release --project bench/HotPath -- [model dir] [data file]
//        dotnet run -c Release --project bench/HotPath -- --metrics      (what metrics add to one request)
if (args is ["--metrics"] or ["metrics"])
{
    RequestMetrics.Run(batchSize: 1);
    RequestMetrics.Run(batchSize: 16);
    return;
}
string root = FindRoot();
string modelDir = args.Length > 0 ? args[0] : Path.Combine(root, "models", "default");
string dataFile = args.Length > 1 ? args[1] : Path.Combine(root, "data", "spamassassin", "test.jsonl.gz");
TorchSharp.torch.set_num_threads(1);
using var predictor = Predictor.Load(modelDir);
var texts = DataFile.Read(dataFile).Select(r => r.Text).ToList();
long chars = texts.Sum(t => (long)t.Length);
Console.WriteLine($"{texts.Count} texts, {chars / texts.Count} chars on average; model {modelDir}");

Measure("tokenize (basic_english)", texts.Count, () => { foreach (var t in texts) { BasicEnglishTokenizer.Instance.Tokenize(t); } });
Measure("encode (tokenize + stoi)", texts.Count, () => { foreach (var t in texts) { predictor.Encode(t); } });
var bigramIds = new List<int>();
Measure("encode with bigrams (ngrams 2 path)", texts.Count, () => { foreach (var t in texts) { bigramIds.Clear(); predictor.Bundle.Vocabulary.Encode(t, BasicEnglishTokenizer.Instance, bigramIds, 2); } });
var encoded = texts.Select(predictor.Encode).ToList();
foreach (int batch in new[] { 1, 8, 64 })
{
    Measure($"forward+softmax, batch {batch}", texts.Count, () =>
    {
        for (int i = 0; i < encoded.Count; i += batch)
        {
            predictor.PredictEncoded(encoded.GetRange(i, Math.Min(batch, encoded.Count - i)));
        }
    });
}
Measure("predict end to end, batch 1", texts.Count, () => { foreach (var t in texts) { predictor.Predict([t]); } });

static void Measure(string name, int items, Action action)
{
    action(); // warm-up (JIT, allocator)
    var samples = new List<double>();
    long allocated = 0;
    for (int run = 0; run < 9; run++)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        action();
        samples.Add(watch.Elapsed.TotalSeconds);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
    }
    double median = samples.Order().ElementAt(samples.Count / 2);
    Console.WriteLine($"{name,-34} {items / median,12:N0} items/s   {median * 1e6 / items,8:N1} µs/item   {allocated / items,8:N0} B/item");
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Server.sln")))
        {
            return dir.FullName;
        }
    }
    return Directory.GetCurrentDirectory();
}
