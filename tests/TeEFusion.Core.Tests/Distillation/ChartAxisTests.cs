using TeEFusion.Core.Distillation;

namespace TeEFusion.Core.Tests.Distillation;

public sealed class ChartAxisTests
{
    [Theory]
    [InlineData(new[] { 0.5, 0.05 }, true)]
    [InlineData(new[] { 0.5, 0.051 }, false)] // short of a decade
    [InlineData(new[] { 2.0, 0.0 }, false)] // a zero has no logarithm
    public void Positive_values_spanning_a_decade_get_a_log_scale(double[] values, bool log) =>
        Assert.Equal(log, ChartAxis.For(values).IsLog);

    [Fact]
    public void A_log_axis_covers_whole_decades_with_its_values_between_the_ends()
    {
        var axis = ChartAxis.For([0.03, 0.7]);

        Assert.Equal([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1], axis.Ticks.Select(t => Math.Round(t, 6)));
        Assert.Equal(0, axis.Fraction(0.01), 9);
        Assert.Equal(0.5, axis.Fraction(0.1), 9);
        Assert.Equal(1, axis.Fraction(1), 9);
    }

    [Fact]
    public void A_linear_axis_runs_between_round_ticks_around_its_values()
    {
        var axis = ChartAxis.For([0.37, 0.52, 0.44]);

        Assert.Equal([0.35, 0.4, 0.45, 0.5, 0.55], axis.Ticks.Select(t => Math.Round(t, 9)));
        Assert.InRange(axis.Fraction(0.37), 0, 1);
        Assert.InRange(axis.Fraction(0.52), 0, 1);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1], ChartAxis.For([]).Ticks.Select(t => Math.Round(t, 9))); // no values: still an axis
        Assert.Equal([0.36, 0.38, 0.4, 0.42, 0.44, 0.46, 0.48], ChartAxis.For([0.42]).Ticks.Select(t => Math.Round(t, 9))); // one value: padded
    }

    [Theory]
    [InlineData(3, new double[] { 0, 1, 2, 3 })]
    [InlineData(7, new double[] { 0, 2, 4, 6 })]
    [InlineData(200, new double[] { 0, 50, 100, 150, 200 })]
    public void The_iteration_axis_ends_at_the_last_iteration_with_whole_ticks(int iterations, double[] ticks)
    {
        var axis = ChartAxis.Iterations(iterations);

        Assert.Equal(ticks, axis.Ticks);
        Assert.Equal(1, axis.Fraction(iterations), 9);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(0.25, "0.25")]
    [InlineData(1000, "1000")]
    [InlineData(0.001, "0.001")]
    [InlineData(1e-5, "1e-5")]
    [InlineData(2e6, "2e6")]
    public void Tick_labels_are_plain_decimals_or_short_scientific(double value, string label) =>
        Assert.Equal(label, ChartAxis.Label(value));
}
