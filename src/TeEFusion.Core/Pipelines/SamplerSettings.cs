using TeEFusion.Core.Sampling;

namespace TeEFusion.Core.Pipelines;

/// <summary>A sampler and its parameters; the reflective teachers' defaults are the reference implementations'.</summary>
public sealed record SamplerSettings(SamplerKind Kind)
{
    private static readonly (SamplerKind Kind, string Name)[] KindNames =
    [
        (SamplerKind.Student, "student"),
        (SamplerKind.EulerCfg, "euler-cfg"),
        (SamplerKind.ZSampling, "z-sampling"),
        (SamplerKind.W2sd, "w2sd"),
    ];

    /// <summary>The names <see cref="Parse"/> accepts, as the CLI and API spell them.</summary>
    public static IReadOnlyList<string> Names { get; } = KindNames.Select(k => k.Name).ToArray();

    /// <summary>Z-Sampling's γ2, the CFG scale of the inversion (reference default 0).</summary>
    public double InversionGuidance { get; init; }

    /// <summary>Z-Sampling's λ: reflect on steps i &lt; λ; null means every step but the last.</summary>
    public int? LambdaStep { get; init; }

    /// <summary>Z-Sampling's T_max, zag/zig rounds per reflected step (reference default 1).</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>
    /// W2SD's weak/strong pair; null means the reference's guidance gap with the request's guidance as the strong
    /// side and 1.0 as the weak side.
    /// </summary>
    public W2sdPair? W2sdPair { get; init; }

    /// <summary>The name written into image metadata: student, euler-cfg, z-sampling or w2sd.</summary>
    public string Name => NameOf(Kind);

    /// <summary>How the CLI and API spell <paramref name="kind"/>.</summary>
    public static string NameOf(SamplerKind kind) => KindNames.First(k => k.Kind == kind).Name;

    /// <summary>Reads a sampler name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static SamplerSettings Parse(string name) => TryParse(name, out var settings)
        ? settings
        : throw new ArgumentException($"Unknown sampler '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Reads a sampler name (case-insensitive, surrounding spaces ignored); false for an unknown one.</summary>
    public static bool TryParse(string name, out SamplerSettings settings)
    {
        foreach (var (kind, known) in KindNames)
        {
            if (!string.Equals(name.Trim(), known, StringComparison.OrdinalIgnoreCase)) continue;
            settings = new SamplerSettings(kind);
            return true;
        }
        settings = null!;
        return false;
    }

    /// <summary>The W2SD pair in use: <see cref="W2sdPair"/>, or strong = each sample's own g and weak = 1.0.</summary>
    public W2sdPair ResolvedW2sdPair => W2sdPair ?? new W2sdPair(new W2sdModelSetting(), new W2sdModelSetting(1.0));
}
