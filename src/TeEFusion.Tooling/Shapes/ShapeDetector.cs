namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// Reads a scene's attributes back from a 64×64 RGB image by classical analysis: the background is the median of
/// the border pixels, an object is what differs from it, its colour the median of its core, its coverage per
/// pixel the projection onto the background→object colour line. The object's row and column coverage profiles give its
/// box; the shape follows from where its mass sits in the box and how much of the box it fills, the size from the box's
/// extent and the cell from the box's centre. Two-object scenes are split into the 4-connected regions that differ from
/// the background (the renderer keeps a gap between them) and each region is read the same way.
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
    private const int Size = ShapeGeometry.ImageSize;

    /// <summary>Detects the attributes of an image given as interleaved RGB bytes, row by row.</summary>
    /// <exception cref="ArgumentException">The buffer is not 64 · 64 · 3 bytes.</exception>
    public static ShapeDetection Detect(ReadOnlySpan<byte> rgb)
    {
        var (background, distances) = Prepare(rgb);
        var reading = Read(rgb, background, distances, Enumerable.Range(0, distances.Length).ToArray());
        if (reading is null) return new ShapeDetection(null, 0, 0, 0, 0, 0);
        var o = reading.Value;
        if (o.Area < MinimumArea) return new ShapeDetection(null, o.Area, 0, 0, 0, 0);
        var position = new ShapePosition(ShapeGeometry.CellOf(o.CenterY), ShapeGeometry.CellOf(o.CenterX));
        var attributes = new ShapeAttributes(ShapePalette.Nearest(background[0], background[1], background[2]), o.Object.Color, o.Object.Shape,
            position, o.Object.Size);
        return new ShapeDetection(attributes, o.Area, o.Width, o.Height, o.Fill, o.MassOffset);
    }

    /// <summary>
    /// Reads a two-object scene: the two largest regions that differ from the background, in reading order (the one
    /// farther left, or higher when they share a column, first); null when fewer than two objects stand out.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is not 64 · 64 · 3 bytes.</exception>
    public static ShapePairAttributes? DetectPair(ReadOnlySpan<byte> rgb)
    {
        var (background, distances) = Prepare(rgb);
        var objects = new List<ObjectReading>();
        foreach (var region in Regions(distances).OrderByDescending(r => r.Length))
        {
            if (Read(rgb, background, distances, region) is { Area: >= MinimumArea } reading) objects.Add(reading);
            if (objects.Count == 2) break;
        }
        if (objects.Count < 2) return null;
        var (a, b) = (objects[0], objects[1]);
        if (ShapeRelations.Between(a.CenterX, a.CenterY, b.CenterX, b.CenterY) is ShapeRelation.RightOf or ShapeRelation.Below) (a, b) = (b, a);
        return new ShapePairAttributes(ShapePalette.Nearest(background[0], background[1], background[2]), a.Object, b.Object,
            ShapeRelations.Between(a.CenterX, a.CenterY, b.CenterX, b.CenterY));
    }

    private readonly record struct ObjectReading(ShapeObject Object, double CenterX, double CenterY, double Area, double Width, double Height,
        double Fill, double MassOffset);

    private static (double[] Background, double[] Distances) Prepare(ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length != Size * Size * 3)
            throw new ArgumentException($"expected {Size}x{Size} RGB ({Size * Size * 3} bytes), got {rgb.Length} bytes.", nameof(rgb));
        var background = BorderMedian(rgb);
        var distances = new double[Size * Size];
        for (var i = 0; i < distances.Length; i++) distances[i] = Distance2(rgb, i, background);
        return (background, distances);
    }

    // Reads the object made of the candidate pixels among `pixels`; null when none stands out from the background.
    private static ObjectReading? Read(ReadOnlySpan<byte> rgb, double[] background, double[] distances, int[] pixels)
    {
        var maxDistance = pixels.Max(i => distances[i]);
        if (maxDistance < CandidateDistanceSquared) return null;

        // The core: pixels clearly inside the object (most of the way from the background to the farthest pixel).
        var core = pixels.Where(i => distances[i] >= 0.5 * maxDistance).ToList();
        var foreground = ChannelMedians(rgb, core);
        var objectIndex = ShapePalette.Nearest(foreground[0], foreground[1], foreground[2]);

        var axis = new double[3];
        for (var c = 0; c < 3; c++) axis[c] = foreground[c] - background[c];
        var axisLength2 = axis.Sum(v => v * v);
        var columns = new double[Size];
        var rows = new double[Size];
        double area = 0, massY = 0;
        foreach (var i in pixels)
        {
            if (distances[i] < CandidateDistanceSquared) continue;
            var projection = 0.0;
            for (var c = 0; c < 3; c++) projection += (rgb[i * 3 + c] - background[c]) * axis[c];
            var coverage = Math.Clamp(projection / axisLength2, 0, 1);
            var (x, y) = (i % Size, i / Size);
            area += coverage;
            massY += coverage * (y + 0.5);
            columns[x] = Math.Max(columns[x], coverage);
            rows[y] = Math.Max(rows[y], coverage);
        }
        if (area < MinimumArea) return new ObjectReading(new ShapeObject(objectIndex, ShapeKind.Circle, ShapeSize.Small), 0, 0, area, 0, 0, 0, 0);

        // Profiles give sub-pixel extents: a column's largest coverage is the fraction of its width the object spans.
        var (width, height) = (columns.Sum(), rows.Sum());
        var (centerX, centerY) = (ProfileCenter(columns), ProfileCenter(rows));
        var fill = area / (width * height);
        // A triangle pointing up has its mass a sixth of its height below its box's centre; circles and squares none.
        var massOffset = (massY / area - centerY) / height;
        var shape = massOffset >= TriangleMassOffset ? ShapeKind.Triangle : fill >= SquareFill ? ShapeKind.Square : ShapeKind.Circle;
        var sizeClass = Math.Max(width, height) >= LargeExtent ? ShapeSize.Large : ShapeSize.Small;
        return new ObjectReading(new ShapeObject(objectIndex, shape, sizeClass), centerX, centerY, area, width, height, fill, massOffset);
    }

    // The 4-connected regions of candidate pixels, each as its pixel indices.
    private static List<int[]> Regions(double[] distances)
    {
        var label = new int[distances.Length];
        var regions = new List<int[]>();
        var stack = new Stack<int>();
        for (var seed = 0; seed < distances.Length; seed++)
        {
            if (label[seed] != 0 || distances[seed] < CandidateDistanceSquared) continue;
            var region = new List<int>();
            label[seed] = regions.Count + 1;
            stack.Push(seed);
            while (stack.TryPop(out var i))
            {
                region.Add(i);
                var (x, y) = (i % Size, i / Size);
                foreach (var (nx, ny) in new[] { (x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1) })
                {
                    if (nx < 0 || ny < 0 || nx >= Size || ny >= Size) continue;
                    var n = ny * Size + nx;
                    if (label[n] != 0 || distances[n] < CandidateDistanceSquared) continue;
                    label[n] = regions.Count + 1;
                    stack.Push(n);
                }
            }
            regions.Add(region.ToArray());
        }
        return regions;
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
        var border = new List<int>(4 * Size);
        for (var k = 0; k < Size; k++)
        {
            border.Add(k);
            border.Add((Size - 1) * Size + k);
            border.Add(k * Size);
            border.Add(k * Size + Size - 1);
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
