using System.Diagnostics;
using TeEFusion.Core.Sampling;

namespace TeEFusion.Cli;

/// <summary>
/// Progress on stderr (sampling steps, training iterations): a bar redrawn in place on a terminal, one plain line per step when stderr is
/// redirected (logs and CI would otherwise fill with carriage returns).
/// </summary>
internal sealed class ConsoleProgressBar(TextWriter writer, bool interactive)
{
    private const int BarWidth = 30;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public static ConsoleProgressBar ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(SamplingProgress progress) =>
        Report("step", progress.Step, progress.TotalSteps, $"sigma {progress.Sigma:F4}  passes {progress.ModelPasses.Sum()}");

    /// <summary>Progress of <paramref name="done"/> of <paramref name="total"/> units (steps, iterations) with a detail text.</summary>
    public void Report(string unit, int done, int total, string detail)
    {
        var seconds = _clock.Elapsed.TotalSeconds;
        if (!interactive)
        {
            writer.WriteLine($"{unit} {done}/{total}  {detail}  {seconds:F1} s");
            return;
        }
        var rate = seconds > 0 ? done / seconds : 0;
        var filled = (int)Math.Round(BarWidth * (double)done / total);
        var bar = new string('#', filled) + new string('.', BarWidth - filled);
        writer.Write($"\r[{bar}] {done}/{total}  {rate:F2} {unit}s/s  {detail}  {seconds:F1} s");
        if (done == total) writer.WriteLine();
    }
}
