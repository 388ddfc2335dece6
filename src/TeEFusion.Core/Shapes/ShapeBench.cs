using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Core.Pipelines;
using static TorchSharp.torch;

namespace TeEFusion.Core.Shapes;

/// <summary>
/// ShapeBench: generates 64×64 images for a fixed list of seen and held-out captions and seeds with the teacher (no
/// guidance, euler-cfg, z-sampling) and the student, reads each image back with <see cref="ShapeDetector"/>, and reports
/// per split how often each attribute matches its caption and what an image cost (model passes, wall ms).
/// </summary>
public static class ShapeBench
{
    /// <summary>
    /// The images of one split: <see cref="ShapeBenchOptions.PromptsPerSplit"/> combinations spread evenly over
    /// <see cref="ShapeSplits.Combinations"/> (every k-th), each with <see cref="ShapeBenchOptions.Seeds"/> seeds.
    /// Seeds number the images 0, 1, 2, … so that no two images of a split share their noise.
    /// </summary>
    public static IReadOnlyList<ShapeBenchPrompt> Prompts(ShapeSplit split, ShapeBenchOptions options)
    {
        var combinations = ShapeSplits.Combinations(split);
        var count = Math.Min(options.PromptsPerSplit, combinations.Count);
        return Enumerable.Range(0, count)
            .SelectMany(i => Enumerable.Range(0, options.Seeds).Select(s =>
                new ShapeBenchPrompt(split, combinations[(int)((long)i * combinations.Count / count)], (long)i * options.Seeds + s)))
            .ToArray();
    }

    /// <summary>
    /// Runs the bench. Each folder is loaded only when a configuration needs it; its load is not timed, nor are the
    /// warm-up batches. <paramref name="log"/> hears one line per phase and batch.
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
        var results = new List<ShapeBenchConfigurationResult>();
        var warnings = new List<string>();
        foreach (var group in options.Configurations.Distinct().GroupBy(c => c.UsesStudent))
        {
            var folder = group.Key ? student : teacher;
            log($"loading the {(group.Key ? "student" : "teacher")} from {folder} ...");
            using SD3Pipeline pipeline = group.Key ? StudentPipeline.Load(folder, options.Pipeline) : TeacherPipeline.Load(folder, options.Pipeline);
            CheckImageSize(pipeline.SizeMultiple, pipeline.MaxImageSize, folder);
            foreach (var configuration in group)
            {
                results.Add(RunConfiguration(pipeline, configuration, options, warnings, log, cancellation));
            }
        }
        // Table order, whichever folder loaded first.
        results.Sort((a, b) => IndexOf(a.Name).CompareTo(IndexOf(b.Name)));
        return new ShapeBenchResult(student, teacher, ShapeGeometry.ImageSize, options.Steps, options.Guidance, options.PromptsPerSplit,
            options.Seeds, options.BatchSize, options.WarmupBatches, options.Pipeline.Compute.ToString(), get_num_threads(), DateTimeOffset.UtcNow,
            results, Notes(results), warnings.Distinct().ToArray());
    }

    private static ShapeBenchConfigurationResult RunConfiguration(SD3Pipeline pipeline, ShapeBenchConfiguration configuration,
        ShapeBenchOptions options, List<string> warnings, Action<string> log, CancellationToken cancellation)
    {
        var guidance = configuration.GuidanceAt(options.Guidance);
        var sampler = new SamplerSettings(configuration.Sampler);
        GenerationRequest Request(ShapeBenchPrompt prompt) => new(prompt.Caption)
        {
            Seed = prompt.Seed, Steps = options.Steps, Guidance = guidance, Sampler = sampler,
            Width = ShapeGeometry.ImageSize, Height = ShapeGeometry.ImageSize,
        };

        var splits = new[] { ShapeSplit.Seen, ShapeSplit.HeldOut }.Select(s => Prompts(s, options)).ToArray();
        var warmup = splits[0].Take(options.BatchSize).Select(Request).ToArray();
        for (var i = 0; i < options.WarmupBatches; i++)
        {
            log($"{configuration.Name}: warm-up batch {i + 1}/{options.WarmupBatches}");
            warnings.AddRange(pipeline.Generate(warmup, cancellation: cancellation).Warnings);
        }

        var scored = new List<ShapeBenchSplitResult>();
        foreach (var prompts in splits)
        {
            var images = new List<ShapeBenchImage>();
            var (passes, wallMs, denoiseMs) = (0L, 0.0, 0.0);
            var batches = prompts.Chunk(options.BatchSize).ToArray();
            for (var b = 0; b < batches.Length; b++)
            {
                var requests = batches[b].Select(Request).ToArray();
                var clock = Stopwatch.StartNew();
                var result = pipeline.Generate(requests, cancellation: cancellation);
                wallMs += clock.Elapsed.TotalMilliseconds;
                denoiseMs += result.Timings.DenoiseMs;
                warnings.AddRange(result.Warnings);
                for (var i = 0; i < requests.Length; i++)
                {
                    passes += result.Images[i].ModelPasses;
                    images.Add(Read(batches[b][i], result.Images[i].Png));
                }
                log($"{configuration.Name} {ShapeBenchSplitResult.NameOf(prompts[0].Split)}: batch {b + 1}/{batches.Length}, " +
                    $"{clock.Elapsed.TotalMilliseconds / requests.Length:F0} ms/image");
            }
            scored.Add(ShapeBenchSplitResult.Score(prompts[0].Split, images, passes, wallMs, denoiseMs));
        }
        return new ShapeBenchConfigurationResult(configuration.Name, configuration.Label, configuration.UsesStudent ? "student" : "teacher",
            sampler.Name, guidance, scored);
    }

    /// <summary>Decodes a PNG to RGB and reads it with <see cref="ShapeDetector"/>.</summary>
    /// <exception cref="ArgumentException">The image is not 64×64.</exception>
    public static ShapeDetection DetectPng(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        var rgb = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        return ShapeDetector.Detect(rgb);
    }

    private static ShapeBenchImage Read(ShapeBenchPrompt prompt, byte[] png)
    {
        var detected = DetectPng(png).Attributes;
        var wrong = detected is null ? ShapeBenchSplitResult.Attributes : detected.Mismatches(prompt.Attributes);
        return new ShapeBenchImage(prompt.Caption, prompt.Seed, detected?.Caption, wrong);
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

    private static IReadOnlyList<string> Notes(IReadOnlyList<ShapeBenchConfigurationResult> results)
    {
        var notes = new List<string>
        {
            "Accuracy: the share of images whose attribute ShapeDetector reads as the caption says; an image without a detectable object counts as wrong on all five.",
            "ms/image: wall time of the timed Generate calls (tokenize, encode, denoise, decode, PNG) over the images made; model load and warm-up batches excluded. " +
                "denoise ms/image: the sampler's loop alone; the rest (text encoders, VAE decode, PNG) costs every configuration the same.",
        };
        if (results.Any(r => r.Name == ShapeBenchConfiguration.NoGuidance.Name))
        {
            notes.Add("teacher g = 1 is euler-cfg at g = 1: v_u + 1·(v_c − v_u) = v_c, the conditional prediction alone, but the pipeline still " +
                "evaluates both branches, so it costs what euler-cfg costs (2 passes per step), not what a 1-pass sampler would.");
        }
        return notes;
    }
}
