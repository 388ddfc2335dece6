using System.Diagnostics;

namespace TeEFusion.Bench;

/// <summary>
/// Statistics of repeated runs. Tables quote the median wall time; the median CPU time (all threads of the process)
/// is reported beside it because on a shared machine it stays close to the work done while wall time swings with
/// the other load, so ratios of CPU times are the steadier comparison there.
/// </summary>
public sealed record Timing(double MedianMs, double MinMs, double MaxMs, int Repeats, double MedianCpuMs)
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
        Array.Sort(wall);
        return new Timing(Median(wall), wall[0], wall[^1], repeats, Median(cpu));
    }

    /// <summary>The same statistics divided by <paramref name="divisor"/> (e.g. per step when several steps were timed together).</summary>
    public Timing Per(double divisor) => new(MedianMs / divisor, MinMs / divisor, MaxMs / divisor, Repeats, MedianCpuMs / divisor);

    private static double Median(double[] samples)
    {
        var sorted = samples.Order().ToArray();
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
