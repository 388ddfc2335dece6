namespace TeEFusion.Cli.Tests;

public sealed class ConsoleProgressBarTests
{
    [Fact]
    public void On_a_terminal_the_bar_is_redrawn_in_place_and_ends_with_a_newline()
    {
        var output = new StringWriter();
        var bar = new ConsoleProgressBar(output, interactive: true);

        bar.Report("iteration", 1, 2, "loss 0.5");
        bar.Report("iteration", 2, 2, "loss 0.25");

        var text = output.ToString();
        Assert.StartsWith("\r[" + new string('#', 15) + new string('.', 15) + "] 1/2", text);
        Assert.Contains("\r[" + new string('#', 30) + "] 2/2", text);
        Assert.Contains("loss 0.25", text);
        Assert.EndsWith(Environment.NewLine, text);
        Assert.Single(text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Redirected_it_writes_one_plain_line_per_report()
    {
        var output = new StringWriter();
        var bar = new ConsoleProgressBar(output, interactive: false);

        bar.Report("iteration", 1, 3, "loss 0.5");
        bar.Report("iteration", 2, 3, "loss 0.4");

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("iteration 2/3  loss 0.4  ", lines[1]);
        Assert.DoesNotContain('\r', output.ToString());
    }
}
