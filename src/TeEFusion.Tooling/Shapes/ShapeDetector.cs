namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// Reads a scene's attributes back from a 64×64 RGB image by classical analysis: the background is the median of
/// the border pixels, the object is what differs from it, its colour the median of its core, its coverage per
/// pixel the projection onto the background→object colour line. The object's row and column coverage profiles give its
/// box; the shape follows from where its mass sits in the box and how much of the box it fills, the size from the box's
/// extent and the cell from the box's centre.
/// </summary>
public static class ShapeDetector
{
    // Squared RGB distance from the background beyond which a pixel belongs to the object's candidate region:
    // a third of the closest palette pair's distance, so anti-aliased edges of similar colours still count.
    private const double CandidateDistanceSquared = 35.0 * 35.0;
    private const double SquareFill = 0.9;
    private const double TriangleMassOffset = 0.08;
    private const double LargeExtent = (ShapeGeometry.SmallRadius + ShapeGeometry.LargeRadius) * 0.9;
    private const int MinimumArea = 6;

    /// <summary>Detects the attributes of an image given as interleaved RGB bytes, row by row.</summary>
    /// <exception cref="ArgumentException">The buffer is not 64 · 64 · 3 bytes.</exception>
    public static ShapeDetection Detect(ReadOnlySpan<byte> rgb)
    {
        const int size = ShapeGeometry.ImageSize;
        if (rgb.Length != size * size * 3)
            throw new ArgumentException($"expected {size}x{size} RGB ({size * size * 3} bytes), got {rgb.Length} bytes.", nameof(rgb));

        var background = BorderMedian(rgb);
        var distances = new double[size * size];
        var maxDistance = 0.0;
        for (var i = 0; i < distances.Length; i++)
        {
            distances[i] = Distance2(rgb, i, background);
            maxDistance = Math.Max(maxDistance, distances[i]);
        }
        var backgroundIndex = ShapePalette.Nearest(background[0], background[1], background[2]);
        if (maxDistance < CandidateDistanceSquared) return new ShapeDetection(null, 0, 0, 0, 0, 0);

        // The core: pixels clearly inside the object (most of the way from the background to the farthest pixel).
        var core = Enumerable.Range(0, distances.Length).Where(i => distances[i] >= 0.5 * maxDistance).ToList();
        var foreground = ChannelMedians(rgb, core);
        var objectIndex = ShapePalette.Nearest(foreground[0], foreground[1], foreground[2]);

        var axis = new double[3];
        for (var c = 0; c < 3; c++) axis[c] = foreground[c] - background[c];
        var axisLength2 = axis.Sum(v => v * v);
        var columns = new double[size];
        var rows = new double[size];
        double area = 0, massY = 0;
        for (var i = 0; i < distances.Length; i++)
        {
            if (distances[i] < CandidateDistanceSquared) continue;
            var projection = 0.0;
            for (var c = 0; c < 3; c++) projection += (rgb[i * 3 + c] - background[c]) * axis[c];
            var coverage = Math.Clamp(projection / axisLength2, 0, 1);
            var (x, y) = (i % size, i / size);
            area += coverage;
            massY += coverage * (y + 0.5);
            columns[x] = Math.Max(columns[x], coverage);
            rows[y] = Math.Max(rows[y], coverage);
        }
        if (area < MinimumArea) return new ShapeDetection(null, area, 0, 0, 0, 0);

        // Profiles give sub-pixel extents: a column's largest coverage is the fraction of its width the object spans.
        var (width, height) = (columns.Sum(), rows.Sum());
        var (centerX, centerY) = (ProfileCenter(columns), ProfileCenter(rows));
        var fill = area / (width * height);
        // A triangle pointing up has its mass a sixth of its height below its box's centre; circles and squares none.
        var massOffset = (massY / area - centerY) / height;
        var shape = massOffset >= TriangleMassOffset ? ShapeKind.Triangle : fill >= SquareFill ? ShapeKind.Square : ShapeKind.Circle;
        var sizeClass = Math.Max(width, height) >= LargeExtent ? ShapeSize.Large : ShapeSize.Small;
        var position = new ShapePosition(ShapeGeometry.CellOf(centerY), ShapeGeometry.CellOf(centerX));
        var attributes = new ShapeAttributes(backgroundIndex, objectIndex, shape, position, sizeClass);
        return new ShapeDetection(attributes, area, width, height, fill, massOffset);
    }

    private static double ProfileCenter(double[] profile)
    {
        double weight = 0, moment = 0;
        for (var i = 0; i < profile.Length; i++)
        {
            weight += profile[i];
            moment += profile[i] * (i + 0.5);
        }
        return moment / weight;
    }

    private static double[] BorderMedian(ReadOnlySpan<byte> rgb)
    {
        const int size = ShapeGeometry.ImageSize;
        var border = new List<int>(4 * size);
        for (var k = 0; k < size; k++)
        {
            border.Add(k);
            border.Add((size - 1) * size + k);
            border.Add(k * size);
            border.Add(k * size + size - 1);
        }
        return ChannelMedians(rgb, border);
    }

    private static double[] ChannelMedians(ReadOnlySpan<byte> rgb, IReadOnlyList<int> pixels)
    {
        var median = new double[3];
        for (var c = 0; c < 3; c++)
        {
            var channel = new double[pixels.Count];
            for (var j = 0; j < pixels.Count; j++) channel[j] = rgb[pixels[j] * 3 + c];
            median[c] = Median(channel);
        }
        return median;
    }

    private static double Distance2(ReadOnlySpan<byte> rgb, int pixel, double[] color)
    {
        var sum = 0.0;
        for (var c = 0; c < 3; c++)
        {
            var d = rgb[pixel * 3 + c] - color[c];
            sum += d * d;
        }
        return sum;
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }
}
