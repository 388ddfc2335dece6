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
        Array.Sort(samples);
        var median = repeats % 2 == 1 ? samples[repeats / 2] : (samples[repeats / 2 - 1] + samples[repeats / 2]) / 2;
        return new Timing(median, samples[0], samples[^1], repeats);
    }
}
