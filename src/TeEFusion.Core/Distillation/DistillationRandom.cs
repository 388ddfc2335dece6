namespace TeEFusion.Core.Distillation;

/// <summary>
/// Counter-based draws: every random choice is a pure function of (seed, iteration, slot), so a resumed run needs no
/// generator state to make the same choices as an uninterrupted one.
/// </summary>
internal static class DistillationRandom
{
    /// <summary>A uniform 64-bit value for the given coordinates (SplitMix64 finalizer over a mixed key).</summary>
    public static ulong Bits(long seed, long iteration, long slot, long purpose)
    {
        var z = (ulong)seed * 0x9E3779B97F4A7C15UL;
        z = Mix(z ^ (ulong)iteration);
        z = Mix(z ^ (ulong)slot * 0xBF58476D1CE4E5B9UL);
        return Mix(z ^ (ulong)purpose * 0x94D049BB133111EBUL);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public static double Uniform(long seed, long iteration, long slot, long purpose) =>
        (Bits(seed, iteration, slot, purpose) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A non-negative seed for <see cref="TeEFusion.Core.Sampling.LatentNoise"/>.</summary>
    public static long NoiseSeed(long seed, long iteration, long slot) => (long)(Bits(seed, iteration, slot, 3) >> 1);

    /// <summary>A seeded permutation of 0..count-1 (Fisher–Yates driven by <see cref="Bits"/>).</summary>
    public static int[] Permutation(int count, long seed, long iteration, long slot, long purpose)
    {
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)(Bits(seed, iteration, slot * 1_000_003 + i, purpose) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
