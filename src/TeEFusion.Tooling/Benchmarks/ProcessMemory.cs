using System.Globalization;
using System.Runtime.InteropServices;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Resident memory of this process from /proc/self/status (Linux): VmRSS now and VmHWM, the peak since start or since
/// the last <see cref="TryResetPeak"/>. Elsewhere every reading is null, so a report never shows a made-up number.
/// </summary>
public static class ProcessMemory
{
    private const string Status = "/proc/self/status";

    /// <summary>Current resident set size in MiB (VmRSS), or null where /proc is missing.</summary>
    public static double? ResidentMib() => Read("VmRSS:");

    /// <summary>Peak resident set size in MiB (VmHWM), or null where /proc is missing.</summary>
    public static double? PeakResidentMib() => Read("VmHWM:");

    /// <summary>
    /// Sets the peak to the current resident size (Linux ≥ 4.0: writing 5 to /proc/self/clear_refs), so that the next
    /// <see cref="PeakResidentMib"/> covers only what ran in between. Returns false where that is not possible.
    /// </summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Hands freed memory back to the OS before a baseline is read: a full GC, then glibc's malloc_trim, since freed
    /// tensor buffers otherwise stay resident in malloc's arenas and would be counted as the next phase's memory.
    /// </summary>
    public static void Release()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // musl and other C libraries have no malloc_trim; the readings then include what malloc kept.
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    // Lines look like "VmHWM:\t  123456 kB".
    private static double? Read(string field)
    {
        if (!File.Exists(Status)) return null;
        var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        if (line is null) return null;
        var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kib) ? kib / 1024.0 : null;
    }
}
