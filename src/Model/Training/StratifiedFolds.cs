namespace TextClassification.Model.Training;

/// <summary>
/// A stratified k-fold split: each label's examples are shuffled (seeded) and dealt to the folds in turn, labels one
/// after the other (ordinal order) with the dealing carried on, so every fold holds each label's share to within one
/// example and the fold sizes differ by at most one. Deterministic for a seed.
/// </summary>
public static class StratifiedFolds
{
    /// <summary>The fold (0..<paramref name="folds"/>-1) of each example, given its label.</summary>
    /// <exception cref="ArgumentException">Fewer than two folds, or a label with fewer examples than folds.</exception>
    public static int[] Assign(IReadOnlyList<string> labels, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (folds < 2)
        {
            throw new ArgumentException($"cross-validation needs at least 2 folds (got {folds})", nameof(folds));
        }
        var byLabel = labels.Select((label, index) => (label, index))
            .GroupBy(pair => pair.label, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToList();
        if (byLabel.FirstOrDefault(group => group.Count() < folds) is { } rare)
        {
            throw new ArgumentException($"label \"{rare.Key}\" has {rare.Count()} example(s); {folds} folds need at least {folds} of each label", nameof(labels));
        }
        var random = new Random(seed);
        var fold = new int[labels.Count];
        int dealt = 0;
        foreach (var group in byLabel)
        {
            int[] members = [.. group.Select(pair => pair.index)];
            random.Shuffle(members);
            foreach (int index in members)
            {
                fold[index] = dealt++ % folds;
            }
        }
        return fold;
    }
}
