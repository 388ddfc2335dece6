using System.Diagnostics;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Statistics of repeated runs. Tables quote the median wall time; where the benchmark measured it, the median CPU
/// time (all threads of the process) is reported beside it: on a shared machine it stays close to the work done
/// while wall time swings with the other load, so ratios of CPU times are the steadier comparison there.
/// </summary>
public sealed record Timing(double MedianMs, double MinMs, double MaxMs, int Repeats, double? MedianCpuMs = null)
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then <paramref name="repeats"/> times timed.</summary>
    public static Timing Measure(Action action, int warmup, int repeats)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        for (var i = 0; i < warmup; i++) action();
        var wall = new double[repeats];
        var cpu = new double[repeats];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            action();
            wall[i] = clock.Elapsed.TotalMilliseconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        }
        return Of(wall, cpu);
    }

    /// <summary>Statistics of times measured elsewhere (e.g. the phase timings a pipeline reports).</summary>
    public static Timing Of(IReadOnlyList<double> wallMs, IReadOnlyList<double>? cpuMs = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(wallMs.Count, 1, nameof(wallMs));
        var sorted = wallMs.Order().ToArray();
        return new Timing(Median(sorted), sorted[0], sorted[^1], sorted.Length, cpuMs is null ? null : Median(cpuMs.Order().ToArray()));
    }

    /// <summary>The same statistics divided by <paramref name="divisor"/> (e.g. per step when several steps were timed together).</summary>
    public Timing Per(double divisor) => new(MedianMs / divisor, MinMs / divisor, MaxMs / divisor, Repeats, MedianCpuMs / divisor);

    private static double Median(double[] sorted)
    {
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
