using System.Globalization;
using System.Xml.Linq;
using TeEFusion.Core.Distillation;

namespace TeEFusion.Core.Tests.Distillation;

public sealed class LossCurveSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly LossCurve Run = new("dist_7", "z-sampling", 10, [0.9, 0.7, 0.6, 0.55, 0.5],
        [new LossCurveEvaluation(0, 0.2, 11.5), new LossCurveEvaluation(2, 0.1, null), new LossCurveEvaluation(5, 0.05, 14.25)]);

    [Fact]
    public void The_picture_is_svg_with_a_point_per_iteration_and_a_marker_per_evaluation()
    {
        var svg = XDocument.Parse(LossCurveSvg.Write(Run)).Root!;

        Assert.Equal(Svg + "svg", svg.Name);
        Assert.Equal("Distillation dist_7", svg.Element(Svg + "title")!.Value);
        Assert.Equal("teacher sampler z-sampling, iteration 5 of 10, last loss 0.5", Classed(svg, "text", "subtitle").Single().Value);
        var points = LossPoints(svg);
        Assert.Equal(5, points.Count);
        Assert.True(points.Zip(points.Skip(1)).All(p => p.First.X < p.Second.X), "iterations run left to right");
        Assert.True(points.Zip(points.Skip(1)).All(p => p.First.Y < p.Second.Y), "a falling loss is drawn falling (SVG y grows downwards)");
        Assert.Equal("iteration 5: loss 0.5", Classed(svg, "circle", "last-loss").Single().Element(Svg + "title")!.Value);

        var mse = Classed(svg, "circle", "mse").ToList();
        var psnr = Classed(svg, "rect", "psnr").ToList();
        Assert.Equal(3, mse.Count);
        Assert.Equal(2, psnr.Count);
        Assert.Equal(["iteration 0: latent MSE 0.2, image PSNR 11.50 dB", "iteration 2: latent MSE 0.1", "iteration 5: latent MSE 0.05, image PSNR 14.25 dB"],
            mse.Select(m => m.Element(Svg + "title")!.Value));
        // The fifth iteration's loss and the evaluation after it share an x position.
        Assert.Equal(points[4].X, double.Parse(mse[2].Attribute("cx")!.Value, CultureInfo.InvariantCulture), 2);
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value == "image PSNR (dB)");
    }

    [Fact]
    public void A_title_with_markup_characters_is_escaped_and_reads_back_unchanged()
    {
        const string id = "run <b>&\"fox\"</b>\u0001";

        var text = LossCurveSvg.Write(Run with { RunId = id, Sampler = "euler-cfg & <co>" });
        var svg = XDocument.Parse(text).Root!;

        Assert.DoesNotContain("<b>", text);
        Assert.Equal("Distillation run <b>&\"fox\"</b>\uFFFD", svg.Element(Svg + "title")!.Value);
        Assert.StartsWith("teacher sampler euler-cfg & <co>,", Classed(svg, "text", "subtitle").Single().Value);
    }

    [Fact]
    public void The_same_curve_gives_the_same_text_in_any_culture()
    {
        var invariant = LossCurveSvg.Write(Run);
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal(invariant, LossCurveSvg.Write(Run with { Losses = Run.Losses.ToArray() }));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void A_loss_spanning_decades_is_drawn_on_a_log_scale_and_a_narrow_one_on_a_linear_scale()
    {
        var log = XDocument.Parse(LossCurveSvg.Write(Run with { Losses = [1.0, 0.1, 0.01] })).Root!;
        var linear = XDocument.Parse(LossCurveSvg.Write(Run with { Losses = [0.5, 0.4, 0.3] })).Root!;

        Assert.Contains(log.Descendants(Svg + "text"), t => t.Value == "training loss (log scale)");
        Assert.Contains(log.Descendants(Svg + "text"), t => t.Value == "0.01");
        var y = LossPoints(log).Select(p => p.Y).ToList();
        Assert.Equal(y[1] - y[0], y[2] - y[1], 2); // equal ratios, equal steps
        Assert.Contains(linear.Descendants(Svg + "text"), t => t.Value == "training loss");
        var z = LossPoints(linear).Select(p => p.Y).ToList();
        Assert.Equal(z[1] - z[0], z[2] - z[1], 2); // equal differences, equal steps
    }

    [Fact]
    public void A_run_without_losses_or_evaluations_yet_is_still_a_picture_that_says_so()
    {
        var svg = XDocument.Parse(LossCurveSvg.Write(Run with { Losses = [], Evaluations = [] })).Root!;

        Assert.Empty(LossPoints(svg));
        Assert.Empty(Classed(svg, "circle", "last-loss"));
        Assert.Empty(Classed(svg, "circle", "mse"));
        Assert.Contains(svg.Descendants(Svg + "text"), t => t.Value.StartsWith("no evaluations", StringComparison.Ordinal));
        Assert.Equal("teacher sampler z-sampling, iteration 0 of 10", Classed(svg, "text", "subtitle").Single().Value);
    }

    private static IEnumerable<XElement> Classed(XElement svg, string element, string @class) =>
        svg.Descendants(Svg + element).Where(e => (string?)e.Attribute("class") == @class);

    private static List<(double X, double Y)> LossPoints(XElement svg)
    {
        var points = svg.Descendants(Svg + "polyline").Single(p => (string?)p.Attribute("id") == "loss").Attribute("points")!.Value;
        return points.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .Select(p => (p[0], p[1])).ToList();
    }
}
