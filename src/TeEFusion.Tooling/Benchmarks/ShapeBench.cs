using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.Shapes;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// ShapeBench: generates 64×64 images for fixed lists of captions and seeds (<see cref="ShapeBenchSplit"/>: canonical,
/// wording and two-object captions of seen and held-out combinations) with the teacher (no guidance, euler-cfg,
/// z-sampling, w2sd) and the student, reads each image back with <see cref="ShapeDetector"/>, and reports per split how
/// often each attribute matches its caption and what an image cost (model passes, wall ms).
/// </summary>
public static class ShapeBench
{
    /// <summary>
    /// The images of one split: <see cref="ShapeBenchOptions.PromptsPerSplit"/> combinations spread evenly over the split's
    /// combinations (every k-th), each with <see cref="ShapeBenchOptions.Seeds"/> seeds. Seeds number the images 0, 1, 2, …
    /// so that no two images of a split share their noise. A wording split phrases the k-th combination with a generator
    /// seeded by k, so its captions are as fixed as the canonical ones.
    /// </summary>
    public static IReadOnlyList<ShapeBenchPrompt> Prompts(ShapeBenchSplit split, ShapeBenchOptions options)
    {
        IReadOnlyList<ShapeBenchPrompt> Spread<T>(IReadOnlyList<T> combinations, Func<T, int, long, ShapeBenchPrompt> prompt)
        {
            var count = Math.Min(options.PromptsPerSplit, combinations.Count);
            return Enumerable.Range(0, count)
                .SelectMany(i => Enumerable.Range(0, options.Seeds).Select(s =>
                    prompt(combinations[(int)((long)i * combinations.Count / count)], i, (long)i * options.Seeds + s)))
                .ToArray();
        }
        return split.Captions switch
        {
            ShapeBenchCaptions.Canonical => Spread(ShapeSplits.Combinations(split.Combinations), (a, _, seed) => new ShapeBenchPrompt(split, a.Caption, seed, a)),
            ShapeBenchCaptions.Wording => Spread(ShapeSplits.Combinations(split.Combinations),
                (a, i, seed) => new ShapeBenchPrompt(split, ShapePhrasings.Wording.Caption(a, new Random(i)), seed, a)),
            _ => Spread(ShapeSplits.Pairs(split.Combinations), (p, _, seed) => new ShapeBenchPrompt(split, p.Caption, seed, p)),
        };
    }

    /// <summary>
    /// Runs the bench. Each folder is loaded only when a configuration needs it; its load is not timed, nor are the
    /// warm-up batches. The configurations then take turns batch by batch (batch 1 of each, then batch 2 of each, …), so
    /// that a slow spell of a shared machine lands on all of them alike instead of on whichever ran during it; their
    /// cost ratios are what the bench is for. <paramref name="log"/> hears one line per phase and batch.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options, or a model that cannot make 64×64 images.</exception>
    /// <exception cref="IO.ModelFormatException">A folder is missing or is not a model.</exception>
    public static ShapeBenchResult Run(string studentFolder, string teacherFolder, ShapeBenchOptions options, Action<string>? log = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        log ??= _ => { };
        var (student, teacher) = (Path.GetFullPath(studentFolder), Path.GetFullPath(teacherFolder));
        var guidance = options.Guidance ?? StudentPipeline.DefaultGuidanceOf(ModelFolder.Open(student));
        // Table order, whichever folder a configuration needs.
        var configurations = options.Configurations.Distinct().OrderBy(c => IndexOf(c.Name)).ToArray();
        var pipelines = new Dictionary<bool, SD3Pipeline>();
        try
        {
            foreach (var usesStudent in configurations.Select(c => c.UsesStudent).Distinct())
            {
                var folder = usesStudent ? student : teacher;
                log($"loading the {(usesStudent ? "student" : "teacher")} from {folder} ...");
                var pipeline = usesStudent ? (SD3Pipeline)StudentPipeline.Load(folder, options.Pipeline) : TeacherPipeline.Load(folder, options.Pipeline);
                pipelines[usesStudent] = pipeline;
                CheckImageSize(pipeline.SizeMultiple, pipeline.MaxImageSize, folder);
            }
            var runs = configurations.Select(c => new ShapeBenchRun(pipelines[c.UsesStudent], c, guidance, options)).ToArray();
            var splits = options.Splits.Distinct().OrderBy(s => ShapeBenchSplit.All.ToList().IndexOf(s))
                .Select(split => (Split: split, Batches: Prompts(split, options).Chunk(options.BatchSize).ToArray())).ToArray();
            // The first seen batch warms every configuration up.
            foreach (var run in runs) run.WarmUp(splits[0].Batches[0], log, cancellation);
            foreach (var (split, batches) in splits)
            {
                for (var b = 0; b < batches.Length; b++)
                {
                    foreach (var run in runs)
                    {
                        var msPerImage = run.RunBatch(batches[b], cancellation);
                        log($"{run.Configuration.Name} {split.Name}: batch {b + 1}/{batches.Length}, {msPerImage:F0} ms/image");
                    }
                }
            }
            var results = runs.Select(r => r.Result()).ToArray();
            return new ShapeBenchResult(student, teacher, ShapeGeometry.ImageSize, options.Steps, guidance, options.PromptsPerSplit,
                options.Seeds, options.BatchSize, options.WarmupBatches, options.Pipeline.Compute.ToString(), get_num_threads(), DateTimeOffset.UtcNow,
                results, Notes(results, splits.Select(s => s.Split).ToArray()), runs.SelectMany(r => r.Warnings).Distinct().ToArray());
        }
        finally
        {
            foreach (var pipeline in pipelines.Values) pipeline.Dispose();
        }
    }

    /// <summary>Decodes a PNG to RGB and reads it with <see cref="ShapeDetector"/>.</summary>
    /// <exception cref="ArgumentException">The image is not 64×64.</exception>
    public static ShapeDetection DetectPng(byte[] png) => ShapeDetector.Detect(DecodePng(png));

    /// <summary>A PNG as interleaved RGB bytes, row by row, the detector's input.</summary>
    public static byte[] DecodePng(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        var rgb = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        return rgb;
    }

    /// <summary>Refuses a model whose size rules (<see cref="SD3Pipeline.SizeMultiple"/>, <see cref="SD3Pipeline.MaxImageSize"/>) exclude 64×64.</summary>
    internal static void CheckImageSize(int sizeMultiple, int maxImageSize, string folder)
    {
        const int size = ShapeGeometry.ImageSize;
        if (size % sizeMultiple != 0 || size > maxImageSize)
            throw new ArgumentException($"ShapeBench needs {size}x{size} images, which the model at {folder} cannot make " +
                $"(sizes must be multiples of {sizeMultiple} up to {maxImageSize} pixels).", nameof(folder));
    }

    private static int IndexOf(string name) =>
        ShapeBenchConfiguration.All.Select((c, i) => (c, i)).First(p => p.c.Name == name).i;

    private static IReadOnlyList<string> Notes(IReadOnlyList<ShapeBenchConfigurationResult> results, IReadOnlyList<ShapeBenchSplit> splits)
    {
        var notes = new List<string>
        {
            "Accuracy: the share of images whose attribute ShapeDetector reads as the caption says; an image without a detectable object counts as wrong on all five.",
            "ms/image: wall time of the timed Generate calls (tokenize, encode, denoise, decode, PNG) over the images made; model load and warm-up batches excluded; " +
                "the configurations take turns batch by batch, so a slow spell of the machine slows them alike. " +
                "denoise ms/image: the sampler's loop alone; the rest (text encoders, VAE decode, PNG) costs every configuration the same.",
        };
        if (splits.Any(s => s.Captions == ShapeBenchCaptions.Wording))
        {
            notes.Add("wording splits: the same combinations as seen / held-out, phrased by templates, prepositions, size and background phrases and " +
                "lead-ins that no training caption contains (ShapePhrasings.Wording; a test enumerates the training captions to prove it).");
        }
        if (splits.Any(s => s.Captions == ShapeBenchCaptions.TwoObject))
        {
            notes.Add("two-object splits: \"a small red circle left of a large blue square on a green background\"; color, shape and size are right " +
                "when both objects have them, position is the relation (left of, right of, above, below); the detector pairs its two objects " +
                "with the caption's in the way that reads best, so swapped objects count as a wrong relation only.");
        }
        if (results.Any(r => r.Name == ShapeBenchConfiguration.NoGuidance.Name))
        {
            notes.Add("teacher g = 1 is euler-cfg at g = 1: v_u + 1·(v_c − v_u) = v_c, the conditional prediction alone, but the pipeline still " +
                "evaluates both branches, so it costs what euler-cfg costs (2 passes per step), not what a 1-pass sampler would.");
        }
        return notes;
    }
}
