namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What `teefusion bench edits` runs: one generation and, per strength, an img2img and an inpainting edit of a seeded
/// random picture (mask: the right half), all at the same steps, size and sampler, on a random-weight preset.
/// </summary>
public sealed record EditBenchSettings
{
    public string Preset { get; init; } = GenerateBenchSettings.DefaultPreset;

    public int Steps { get; init; } = 8;

    public IReadOnlyList<double> Strengths { get; init; } = [0.25, 0.5, 0.75, 1.0];

    /// <summary>"student" runs in the student pipeline, the others in the teacher pipeline.</summary>
    public string Sampler { get; init; } = "student";

    public int Warmup { get; init; } = 1;

    public int Repeats { get; init; } = 2;

    public long Seed { get; init; }

    public string Prompt { get; init; } = "a photograph of an astronaut riding a horse on the moon";
}
