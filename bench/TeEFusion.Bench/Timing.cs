using System.Diagnostics;

namespace TeEFusion.Bench;

/// <summary>Wall-clock statistics of repeated runs; the median is what tables quote, since CPU timings here are noisy (±30%).</summary>
public sealed record Timing(double MedianMs, double MinMs, double MaxMs, int Repeats)
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then <paramref name="repeats"/> times timed.</summary>
    public static Timing Measure(Action action, int warmup, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        for (var i = 0; i < warmup; i++) action();
        var samples = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            samples[i] = clock.Elapsed.TotalMilliseconds;
        }
        return Of(samples);
    }

    /// <summary>Statistics of times measured elsewhere (e.g. the phase timings a pipeline reports).</summary>
    public static Timing Of(IReadOnlyList<double> samplesMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesMs.Count, 1, nameof(samplesMs));
        var sorted = samplesMs.Order().ToArray();
        var n = sorted.Length;
        var median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Timing(median, sorted[0], sorted[^1], n);
    }
}
