using System.Diagnostics;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// One configuration's part of a ShapeBench run: it warms up, then generates and reads back the batches it is handed,
/// adding up per split the images, model passes and milliseconds from which its result is scored.
/// </summary>
internal sealed class ShapeBenchRun(SD3Pipeline pipeline, ShapeBenchConfiguration configuration, double benchGuidance, ShapeBenchOptions options)
{
    private readonly double _guidance = configuration.GuidanceAt(benchGuidance);
    private readonly SamplerSettings _sampler = new(configuration.Sampler);
    private readonly Dictionary<ShapeBenchSplit, Tally> _tallies = [];

    public ShapeBenchConfiguration Configuration => configuration;

    public List<string> Warnings { get; } = [];

    /// <summary>Generates <paramref name="prompts"/> <see cref="ShapeBenchOptions.WarmupBatches"/> times, untimed; the images are dropped.</summary>
    public void WarmUp(IReadOnlyList<ShapeBenchPrompt> prompts, Action<string> log, CancellationToken cancellation)
    {
        var warmup = prompts.Select(Request).ToArray();
        for (var i = 0; i < options.WarmupBatches; i++)
        {
            log($"{configuration.Name}: warm-up batch {i + 1}/{options.WarmupBatches}");
            Warnings.AddRange(pipeline.Generate(warmup, cancellation: cancellation).Warnings);
        }
    }

    /// <summary>Generates one timed batch of <paramref name="prompts"/> (all of one split) and reads each image back.</summary>
    /// <returns>The batch's wall milliseconds per image.</returns>
    public double RunBatch(IReadOnlyList<ShapeBenchPrompt> prompts, CancellationToken cancellation)
    {
        var requests = prompts.Select(Request).ToArray();
        var clock = Stopwatch.StartNew();
        var result = pipeline.Generate(requests, cancellation: cancellation);
        var wallMs = clock.Elapsed.TotalMilliseconds;
        Warnings.AddRange(result.Warnings);
        var split = prompts[0].Split;
        if (!_tallies.TryGetValue(split, out var tally)) _tallies[split] = tally = new Tally();
        tally.WallMs += wallMs;
        tally.DenoiseMs += result.Timings.DenoiseMs;
        for (var i = 0; i < requests.Length; i++)
        {
            tally.Passes += result.Images[i].ModelPasses;
            tally.Images.Add(prompts[i].Read(ShapeBench.DecodePng(result.Images[i].Png)));
        }
        return wallMs / requests.Length;
    }

    /// <summary>The scores of every split this run was handed batches of, in table order.</summary>
    public ShapeBenchConfigurationResult Result()
    {
        var splits = _tallies.OrderBy(t => ShapeBenchSplit.All.ToList().IndexOf(t.Key))
            .Select(t => ShapeBenchSplitResult.Score(t.Key.Name, t.Value.Images, t.Value.Passes, t.Value.WallMs, t.Value.DenoiseMs))
            .ToArray();
        return new ShapeBenchConfigurationResult(configuration.Name, configuration.Label, configuration.UsesStudent ? "student" : "teacher",
            _sampler.Name, _guidance, splits);
    }

    private GenerationRequest Request(ShapeBenchPrompt prompt) => new(prompt.Caption)
    {
        Seed = prompt.Seed, Steps = options.Steps, Guidance = _guidance, Sampler = _sampler,
        Width = ShapeGeometry.ImageSize, Height = ShapeGeometry.ImageSize,
    };

    private sealed class Tally
    {
        public List<ShapeBenchImage> Images { get; } = [];
        public long Passes { get; set; }
        public double WallMs { get; set; }
        public double DenoiseMs { get; set; }
    }
}
