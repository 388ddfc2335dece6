using System.Globalization;
using System.Text;
using System.Xml;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// Draws a <see cref="LossCurve"/> as a standalone SVG, for the service's loss.svg route and the CLI's run folder: a title
/// (run id, teacher sampler, iterations), the training loss per iteration on top (one polyline point per iteration; log
/// scale once it spans a decade, see <see cref="ChartAxis"/>), and below it, on the same iteration axis, the evaluations:
/// latent MSE on the left axis (circles) and image PSNR in dB on the right (squares), each marker with a tooltip. Written
/// with <see cref="XmlWriter"/>, so all text is escaped and the document is well-formed; the same curve always gives the
/// same bytes (fixed layout, invariant number formats).
/// </summary>
public static class LossCurveSvg
{
    /// <summary>The media type of the document.</summary>
    public const string ContentType = "image/svg+xml";

    private const double Width = 760;
    private const double Height = 500;
    private const double Left = 78;
    private const double Right = Width - 78;
    private const double LossTop = 64;
    private const double LossBottom = 264;
    private const double EvalTop = 304;
    private const double EvalBottom = 444;
    private const string LossColor = "#1f77b4";
    private const string MseColor = "#d62728";
    private const string PsnrColor = "#2ca02c";

    /// <summary>The SVG document of <paramref name="curve"/>, without an XML declaration (UTF-8 when written to a file).</summary>
    public static string Write(LossCurve curve)
    {
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true, NewLineChars = "\n" };
        using (var xml = XmlWriter.Create(text, settings))
        {
            var svg = new SvgWriter(xml);
            var title = $"Distillation {curve.RunId}";
            svg.Open("svg", ("width", N(Width)), ("height", N(Height)),
                ("viewBox", $"0 0 {N(Width)} {N(Height)}"), ("font-family", "sans-serif"), ("font-size", "11"));
            svg.Text("title", title);
            svg.Empty("rect", ("width", N(Width)), ("height", N(Height)), ("fill", "white"));
            svg.Text("text", title, ("class", "title"), ("x", N(Left)), ("y", "24"), ("font-size", "15"), ("font-weight", "bold"));
            svg.Text("text", Subtitle(curve), ("class", "subtitle"), ("x", N(Left)), ("y", "44"));

            var x = ChartAxis.Iterations(curve.Iterations);
            DrawLoss(svg, curve.Losses, x);
            DrawEvaluations(svg, curve.Evaluations, x);
            foreach (var tick in x.Ticks)
                svg.Text("text", ChartAxis.Label(tick), ("x", N(X(x, tick))), ("y", N(EvalBottom + 16)), ("text-anchor", "middle"));
            svg.Text("text", "iteration", ("x", N((Left + Right) / 2)), ("y", N(EvalBottom + 40)), ("text-anchor", "middle"));
            svg.Close();
        }
        return text.ToString();
    }

    private static string Subtitle(LossCurve curve)
    {
        var last = curve.Losses.Count > 0 ? $", last loss {curve.Losses[^1].ToString("G4", CultureInfo.InvariantCulture)}" : "";
        return $"teacher sampler {curve.Sampler}, iteration {curve.Losses.Count} of {curve.Iterations}{last}";
    }

    private static void DrawLoss(SvgWriter svg, IReadOnlyList<double> losses, ChartAxis x)
    {
        var y = ChartAxis.For(losses);
        DrawPanel(svg, x, y, LossTop, LossBottom);
        DrawValueAxis(svg, y, LossTop, LossBottom, Left, y.IsLog ? "training loss (log scale)" : "training loss", "#333");
        // Loss k (0-based) is that of optimizer step k + 1.
        var points = losses.Select((loss, k) => (X: X(x, k + 1), Y: Y(y, loss, LossTop, LossBottom))).ToList();
        svg.Empty("polyline", ("id", "loss"), ("points", Points(points)), ("fill", "none"), ("stroke", LossColor), ("stroke-width", "1.5"));
        if (points.Count == 0) return;
        // The latest iteration is marked: where a running run stands, and a one-iteration curve is visible at all.
        svg.Titled("circle", $"iteration {losses.Count}: loss {losses[^1].ToString("G4", CultureInfo.InvariantCulture)}",
            ("class", "last-loss"), ("cx", N(points[^1].X)), ("cy", N(points[^1].Y)), ("r", "3"), ("fill", LossColor));
    }

    private static void DrawEvaluations(SvgWriter svg, IReadOnlyList<LossCurveEvaluation> evaluations, ChartAxis x)
    {
        var mse = ChartAxis.For(evaluations.Select(e => e.LatentMse).ToList());
        var withPsnr = evaluations.Where(e => e.ImagePsnr is not null).ToList();
        var psnr = ChartAxis.For(withPsnr.Select(e => e.ImagePsnr!.Value).ToList());
        DrawPanel(svg, x, mse, EvalTop, EvalBottom);
        if (evaluations.Count == 0)
        {
            svg.Text("text", "no evaluations (a run evaluates its student only with held-out prompts)", ("x", N((Left + Right) / 2)),
                ("y", N((EvalTop + EvalBottom) / 2)), ("text-anchor", "middle"), ("fill", "#666"));
            return;
        }
        DrawValueAxis(svg, mse, EvalTop, EvalBottom, Left, mse.IsLog ? "latent MSE (log scale)" : "latent MSE", MseColor);
        if (withPsnr.Count > 0) DrawValueAxis(svg, psnr, EvalTop, EvalBottom, Right, "image PSNR (dB)", PsnrColor);

        var msePoints = evaluations.Select(e => (X: X(x, e.Iteration), Y: Y(mse, e.LatentMse, EvalTop, EvalBottom))).ToList();
        var psnrPoints = withPsnr.Select(e => (X: X(x, e.Iteration), Y: Y(psnr, e.ImagePsnr!.Value, EvalTop, EvalBottom))).ToList();
        svg.Empty("polyline", ("class", "mse"), ("points", Points(msePoints)), ("fill", "none"), ("stroke", MseColor), ("stroke-dasharray", "4 3"));
        if (withPsnr.Count > 0)
            svg.Empty("polyline", ("class", "psnr"), ("points", Points(psnrPoints)), ("fill", "none"), ("stroke", PsnrColor), ("stroke-dasharray", "4 3"));
        foreach (var (e, at) in evaluations.Zip(msePoints))
            svg.Titled("circle", Tooltip(e), ("class", "mse"), ("cx", N(at.X)), ("cy", N(at.Y)), ("r", "3.5"), ("fill", MseColor));
        foreach (var (e, at) in withPsnr.Zip(psnrPoints))
            svg.Titled("rect", Tooltip(e), ("class", "psnr"), ("x", N(at.X - 3.5)), ("y", N(at.Y - 3.5)), ("width", "7"), ("height", "7"), ("fill", PsnrColor));
    }

    private static string Tooltip(LossCurveEvaluation e)
    {
        var psnr = e.ImagePsnr is { } db ? $", image PSNR {db.ToString("F2", CultureInfo.InvariantCulture)} dB" : "";
        return $"iteration {e.Iteration}: latent MSE {e.LatentMse.ToString("G4", CultureInfo.InvariantCulture)}{psnr}";
    }

    // The frame, and a grid line per tick of both axes.
    private static void DrawPanel(SvgWriter svg, ChartAxis x, ChartAxis y, double top, double bottom)
    {
        svg.Open("g", ("stroke", "#e4e4e4"));
        foreach (var tick in x.Ticks) Line(svg, X(x, tick), top, X(x, tick), bottom);
        foreach (var tick in y.Ticks) Line(svg, Left, Y(y, tick, top, bottom), Right, Y(y, tick, top, bottom));
        svg.Close();
        svg.Empty("rect", ("x", N(Left)), ("y", N(top)), ("width", N(Right - Left)), ("height", N(bottom - top)), ("fill", "none"), ("stroke", "#333"));
    }

    // Tick labels and the axis title on the left (at x = Left) or right (x = Right) edge of a panel.
    private static void DrawValueAxis(SvgWriter svg, ChartAxis y, double top, double bottom, double edge, string title, string color)
    {
        var onLeft = edge == Left;
        var labelX = onLeft ? edge - 6 : edge + 6;
        foreach (var tick in y.Ticks)
            svg.Text("text", ChartAxis.Label(tick), ("x", N(labelX)), ("y", N(Y(y, tick, top, bottom) + 4)),
                ("text-anchor", onLeft ? "end" : "start"), ("fill", color));
        var titleX = onLeft ? 16 : Width - 12;
        var middle = (top + bottom) / 2;
        svg.Text("text", title, ("x", N(titleX)), ("y", N(middle)), ("text-anchor", "middle"), ("fill", color),
            ("transform", $"rotate(-90 {N(titleX)} {N(middle)})"));
    }

    private static void Line(SvgWriter svg, double x1, double y1, double x2, double y2) =>
        svg.Empty("line", ("x1", N(x1)), ("y1", N(y1)), ("x2", N(x2)), ("y2", N(y2)));

    private static double X(ChartAxis x, double iteration) => Left + x.Fraction(iteration) * (Right - Left);

    private static double Y(ChartAxis y, double value, double top, double bottom) => bottom - y.Fraction(value) * (bottom - top);

    private static string Points(IEnumerable<(double X, double Y)> points) => string.Join(" ", points.Select(p => $"{N(p.X)},{N(p.Y)}"));

    // Coordinates to a hundredth of a pixel, invariant culture: the same curve gives the same text everywhere.
    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
