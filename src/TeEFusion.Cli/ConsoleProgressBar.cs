using System.Diagnostics;
using TeEFusion.Core.Sampling;

namespace TeEFusion.Cli;

/// <summary>
/// Step progress on stderr: a bar redrawn in place on a terminal, one plain line per step when stderr is
/// redirected (logs and CI would otherwise fill with carriage returns).
/// </summary>
internal sealed class ConsoleProgressBar(TextWriter writer, bool interactive)
{
    private const int BarWidth = 30;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public static ConsoleProgressBar ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(SamplingProgress progress)
    {
        var seconds = _clock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? progress.Step / seconds : 0;
        var passes = progress.ModelPasses.Sum();
        if (!interactive)
        {
            writer.WriteLine($"step {progress.Step}/{progress.TotalSteps}  sigma {progress.Sigma:F4}  passes {passes}  {seconds:F1} s");
            return;
        }
        var filled = (int)Math.Round(BarWidth * (double)progress.Step / progress.TotalSteps);
        var bar = new string('#', filled) + new string('.', BarWidth - filled);
        writer.Write($"\r[{bar}] {progress.Step}/{progress.TotalSteps}  {rate:F2} steps/s  passes {passes}  {seconds:F1} s");
        if (progress.Step == progress.TotalSteps) writer.WriteLine();
    }
}
