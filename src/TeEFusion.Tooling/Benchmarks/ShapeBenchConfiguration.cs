using TeEFusion.Core.Pipelines;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// One way of sampling that ShapeBench compares: the teacher without guidance, the teacher with euler-cfg, z-sampling or
/// w2sd (the reflective samplers) at the bench's guidance, or the student (one pass per step) at that guidance.
/// </summary>
/// <param name="Name">The CLI name: no-guidance, euler-cfg, z-sampling, w2sd or student.</param>
/// <param name="Label">How the table names it.</param>
/// <param name="Sampler">The pipeline sampler it runs.</param>
/// <param name="Guided">False: run at g = 1 whatever the bench's guidance.</param>
public sealed record ShapeBenchConfiguration(string Name, string Label, SamplerKind Sampler, bool Guided)
{
    /// <summary>The name that selects every configuration.</summary>
    public const string AllName = "all";

    /// <summary>
    /// The teacher has no 1-pass conditional sampler, so "no guidance" is euler-cfg at g = 1: v_u + 1·(v_c − v_u) = v_c,
    /// the conditional prediction, but still two passes per step.
    /// </summary>
    public static ShapeBenchConfiguration NoGuidance { get; } = new("no-guidance", "teacher, g = 1 (euler-cfg)", SamplerKind.EulerCfg, Guided: false);

    public static ShapeBenchConfiguration EulerCfg { get; } = new("euler-cfg", "teacher euler-cfg", SamplerKind.EulerCfg, Guided: true);

    public static ShapeBenchConfiguration ZSampling { get; } = new("z-sampling", "teacher z-sampling", SamplerKind.ZSampling, Guided: true);

    public static ShapeBenchConfiguration W2sd { get; } = new("w2sd", "teacher w2sd", SamplerKind.W2sd, Guided: true);

    public static ShapeBenchConfiguration Student { get; } = new("student", "student", SamplerKind.Student, Guided: true);

    /// <summary>The five configurations in table order.</summary>
    public static IReadOnlyList<ShapeBenchConfiguration> All { get; } = [NoGuidance, EulerCfg, ZSampling, W2sd, Student];

    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(c => c.Name), AllName];

    /// <summary>True when it runs the student folder, false for the teacher folder.</summary>
    public bool UsesStudent => Sampler == SamplerKind.Student;

    /// <summary>The g it samples at for a bench guidance of <paramref name="guidance"/>.</summary>
    public double GuidanceAt(double guidance) => Guided ? guidance : 1.0;

    /// <summary>The configurations a name selects ("all" selects every one), case-insensitive.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static IReadOnlyList<ShapeBenchConfiguration> Parse(string name)
    {
        var trimmed = name.Trim();
        if (string.Equals(trimmed, AllName, StringComparison.OrdinalIgnoreCase)) return All;
        return All.Where(c => string.Equals(c.Name, trimmed, StringComparison.OrdinalIgnoreCase)).ToArray() is [var one]
            ? [one]
            : throw new ArgumentException($"Unknown ShapeBench sampler '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name));
    }
}
