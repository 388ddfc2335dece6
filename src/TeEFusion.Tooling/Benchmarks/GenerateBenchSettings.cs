using System.Globalization;
using System.Text.Json.Serialization;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Tooling.RandomModels;
using static TeEFusion.Tooling.Benchmarks.OptionErrors;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What `teefusion bench generate` runs: whole text-to-image generations (tokenize → encode → denoise → decode → PNG),
/// one image per call, on a model folder or on a random-weight preset written for the run. The defaults (small preset
/// at its native 256×256, 8 steps, student + Euler+CFG + Z-Sampling, 1 warmup + 2 repeats) take a few minutes on 2 idle cores.
/// </summary>
public sealed record GenerateBenchSettings
{
    public const string DefaultPreset = "small";

    /// <summary>A diffusers folder to load; null means a random model of <see cref="Preset"/> written to a temporary folder.</summary>
    public string? Model { get; init; }

    /// <summary>A <see cref="RandomModelPresets"/> name; only without <see cref="Model"/> (null: "small").</summary>
    public string? Preset { get; init; }

    public int Steps { get; init; } = 8;

    /// <summary><see cref="SamplerSettings.Names"/>; "student" runs in the student pipeline, the others in the teacher pipeline.</summary>
    public IReadOnlyList<string> Samplers { get; init; } = ["student", "euler-cfg", "z-sampling"];

    /// <summary>Image width in pixels; null means the model's native size (256 for the small preset).</summary>
    public int? Width { get; init; }

    public int? Height { get; init; }

    public int Warmup { get; init; } = 1;
    public int Repeats { get; init; } = 2;

    [JsonPropertyName("dtype")]
    public string DType { get; init; } = "float32";

    public string Device { get; init; } = "cpu";

    /// <summary>Seed of the noise, and of the weights when a preset is written.</summary>
    public long Seed { get; init; }

    public string Prompt { get; init; } = "a photograph of an astronaut riding a horse on the moon";

    /// <summary>g for every sampler; null means each pipeline's default (the folder's _default_guidance_scale, else 5 student, 7 teachers). The cost does not depend on it.</summary>
    public double? Guidance { get; init; }

    /// <summary>The preset that will be written, or null when <see cref="Model"/> is given.</summary>
    [JsonIgnore]
    public string? ResolvedPreset => Model is null ? Preset ?? DefaultPreset : null;

    /// <summary>Short name for result files: the preset, else the model folder's name.</summary>
    [JsonIgnore]
    public string ModelTag => ResolvedPreset ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Model!)));

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is loaded or written.</summary>
    public void Validate()
    {
        if (Model is not null && Preset is not null)
            throw new ArgumentException($"give either --model or --preset, not both (--model {Model}, --preset {Preset}).");
        if (Model is not null && !Directory.Exists(Model))
            throw new ArgumentException($"--model: folder '{Model}' does not exist.");
        if (ResolvedPreset is { } preset && !RandomModelPresets.TryParse(preset, out _))
            throw new ArgumentException($"--preset: unknown preset '{preset}'; expected one of {string.Join(", ", RandomModelPresets.Names)}.");
        AtLeast("--steps", Steps, 1);
        AtLeast("--warmup", Warmup, 0);
        AtLeast("--repeats", Repeats, 1);
        if (Width is { } width) AtLeast("--size (width)", width, 1);
        if (Height is { } height) AtLeast("--size (height)", height, 1);
        if ((Width is null) != (Height is null)) throw new ArgumentException("--size needs both width and height (WxH).");
        if (Seed < 0) throw new ArgumentException($"--seed {Seed} must be non-negative.");
        if (Guidance is { } g && !double.IsFinite(g)) throw new ArgumentException($"--guidance {g} must be a finite number.");
        var samplers = ParseSamplers();
        var repeated = samplers.GroupBy(s => s.Kind).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ArgumentException($"--samplers names '{repeated.First().Name}' twice.");
        ParseCompute();
    }

    public IReadOnlyList<SamplerSettings> ParseSamplers()
    {
        if (Samplers.Count == 0) throw new ArgumentException("--samplers needs at least one sampler.");
        try
        {
            return Samplers.Select(SamplerSettings.Parse).ToArray();
        }
        catch (ArgumentException error)
        {
            throw OptionErrors.Named("--samplers", error);
        }
    }

    public ComputeOptions ParseCompute()
    {
        try
        {
            return ComputeOptions.Parse(Device, DType);
        }
        catch (ArgumentException error)
        {
            throw OptionErrors.Named(error.ParamName == "dtype" ? "--dtype" : "--device", error);
        }
    }

    /// <summary>Reads `WxH` (e.g. 256x256).</summary>
    public static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height))
            return (width, height);
        throw new ArgumentException($"--size '{text}' is not WxH (e.g. 256x256).");
    }
}
