using System.Collections;
using System.Diagnostics;

namespace TextClassification.Server.Tests.Infrastructure;

/// <summary>What the in-memory exporter exports to: spans are added on the server's threads while a test reads them.</summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly List<Activity> spans = [];
    private readonly Lock gate = new();

    public int Count
    {
        get
        {
            lock (gate)
            {
                return spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public IReadOnlyList<Activity> Snapshot()
    {
        lock (gate)
        {
            return [.. spans];
        }
    }

    /// <summary>Waits until a span matches <paramref name="predicate"/> (the server span ends after the answer is sent).</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> predicate, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (Snapshot().FirstOrDefault(predicate) is { } span)
            {
                return span;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"no {what} span was exported");
    }

    public void Add(Activity item)
    {
        lock (gate)
        {
            spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (gate)
        {
            spans.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().ToList().CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (gate)
        {
            return spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
