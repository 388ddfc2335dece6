using System.Globalization;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// One axis of <see cref="LossCurveSvg"/>: where a value lies along it (0 at the low end, 1 at the high end) and its ticks.
/// Positive values that span a decade or more get a log10 scale over whole decades, so a loss that falls from 1 to 0.01
/// keeps its late iterations readable; other values get a linear scale over a round range.
/// </summary>
internal sealed class ChartAxis
{
    // Ticks a linear axis aims for; the step is rounded to 1, 2 or 5 × 10^k, so there are 3 to 10.
    private const int TargetTicks = 5;

    // The ends in scale units: log10 of the value on a log axis.
    private readonly double _low;
    private readonly double _high;

    private ChartAxis(bool isLog, double low, double high, IReadOnlyList<double> ticks)
    {
        IsLog = isLog;
        _low = low;
        _high = high;
        Ticks = ticks;
    }

    public bool IsLog { get; }

    /// <summary>Tick values (not scale units), low to high.</summary>
    public IReadOnlyList<double> Ticks { get; }

    /// <summary>A value axis over <paramref name="values"/>: log10 when they are positive and max / min ≥ 10, else linear.</summary>
    public static ChartAxis For(IReadOnlyList<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0) return Linear(0, 1);
        var (min, max) = (finite.Min(), finite.Max());
        return min > 0 && max / min >= 10 ? Log(min, max) : Linear(min, max);
    }

    /// <summary>The iteration axis: exactly 0 to <paramref name="iterations"/>, with whole-number ticks.</summary>
    public static ChartAxis Iterations(int iterations)
    {
        var high = Math.Max(iterations, 1);
        var step = Math.Max(1, NiceStep(high));
        var ticks = Enumerable.Range(0, (int)(high / step) + 1).Select(k => k * step).ToList();
        return new ChartAxis(false, 0, high, ticks);
    }

    /// <summary>Where <paramref name="value"/> lies: 0 at the axis's low end, 1 at its high end.</summary>
    public double Fraction(double value) => ((IsLog ? Math.Log10(value) : value) - _low) / (_high - _low);

    /// <summary>
    /// A tick's label, invariant culture: plain decimals from 0.001 to 99999 ("0.25", "1000"), else short scientific
    /// ("1e-5", "2e6"). Ticks are round numbers, so four decimals or two mantissa digits lose nothing.
    /// </summary>
    public static string Label(double value) =>
        value == 0 || Math.Abs(value) is >= 1e-3 and < 1e5
            ? value.ToString("0.####", CultureInfo.InvariantCulture)
            : value.ToString("0.##e0", CultureInfo.InvariantCulture);

    private static ChartAxis Linear(double min, double max)
    {
        if (max == min)
        {
            var pad = min == 0 ? 1 : Math.Abs(min) / 10;
            (min, max) = (min - pad, max + pad);
        }
        var step = NiceStep(max - min);
        var (first, last) = ((long)Math.Floor(min / step), (long)Math.Ceiling(max / step));
        var ticks = new List<double>();
        for (var k = first; k <= last; k++) ticks.Add(k * step);
        return new ChartAxis(false, first * step, last * step, ticks);
    }

    // Whole decades; with fewer than three, 2× and 5× each decade are ticked too.
    private static ChartAxis Log(double min, double max)
    {
        var (first, last) = ((int)Math.Floor(Math.Log10(min)), (int)Math.Ceiling(Math.Log10(max)));
        var ticks = new List<double>();
        for (var e = first; e <= last; e++)
        {
            var decade = Math.Pow(10, e);
            ticks.Add(decade);
            if (last - first < 3 && e < last) ticks.AddRange([2 * decade, 5 * decade]);
        }
        return new ChartAxis(true, first, last, ticks);
    }

    private static double NiceStep(double range)
    {
        var raw = range / TargetTicks;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var residual = raw / magnitude;
        return magnitude * (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10);
    }
}
