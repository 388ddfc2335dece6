namespace TeEFusion.Core.Sampling;

/// <summary>
/// After which steps a run of N steps draws its k partial images: evenly spaced, step ⌊(j + 1)·N/(k + 1)⌋ for
/// j = 0…k−1, so 3 previews of 8 steps come after steps 2, 4 and 6, and 3 of 28 after steps 7, 14 and 21. A step
/// is never drawn twice and the last step never (its image is the final one), so a run with fewer steps than
/// k + 1 draws fewer previews: at most N − 1.
/// </summary>
public static class PreviewSteps
{
    /// <summary>The completed-step counts (1-based, increasing) after which a preview is drawn.</summary>
    public static IReadOnlyList<int> For(int partialImages, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partialImages);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return Enumerable.Range(0, partialImages)
            .Select(j => (int)((long)(j + 1) * steps / (partialImages + 1)))
            .Where(s => s >= 1 && s < steps)
            .Distinct()
            .ToList();
    }
}
