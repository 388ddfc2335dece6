namespace TeEFusion.Tooling.RandomModels;

/// <summary>The command-line names of <see cref="RandomModelPreset"/> values ("tiny", "small", "tiny-shapes", "sd3-medium").</summary>
public static class RandomModelPresets
{
    private static readonly (string Name, RandomModelPreset Preset)[] Table =
    [
        ("tiny", RandomModelPreset.Tiny),
        ("tiny-sd3", RandomModelPreset.TinySd3),
        ("tiny-sd35", RandomModelPreset.TinySd35),
        ("small", RandomModelPreset.Small),
        ("tiny-shapes", RandomModelPreset.TinyShapes),
        ("sd3-medium", RandomModelPreset.Sd3Medium),
    ];

    /// <summary>Every accepted name, in preset order.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(entry => entry.Name).ToArray();

    /// <summary>The name of <paramref name="preset"/> as the CLI spells it.</summary>
    public static string Name(RandomModelPreset preset) =>
        Table.Where(entry => entry.Preset == preset).Select(entry => entry.Name).FirstOrDefault()
        ?? throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown preset.");

    /// <summary>Parses a preset name (case-insensitive).</summary>
    public static bool TryParse(string? text, out RandomModelPreset preset)
    {
        foreach (var entry in Table)
        {
            if (string.Equals(entry.Name, text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                preset = entry.Preset;
                return true;
            }
        }
        preset = default;
        return false;
    }

    /// <summary>Parses a preset name; throws <see cref="ArgumentException"/> listing the accepted names.</summary>
    public static RandomModelPreset Parse(string? text) =>
        TryParse(text, out var preset)
            ? preset
            : throw new ArgumentException($"unknown preset '{text}'; expected one of {string.Join(", ", Names)}.", nameof(text));
}
