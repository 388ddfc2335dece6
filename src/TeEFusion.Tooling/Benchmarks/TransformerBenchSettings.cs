using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Runtime;
using static TeEFusion.Tooling.Benchmarks.OptionErrors;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What `teefusion bench transformer` builds and times. Defaults are a mid-size random-weight MMDiT
/// (12 layers, 6 heads × 64, 32×32 latents, 154 text tokens = 77 CLIP + 77 as SD3 without T5).
/// </summary>
public sealed record TransformerBenchSettings
{
    public int Layers { get; init; } = 12;
    public int Heads { get; init; } = 6;
    /// <summary>Null means: derived from <see cref="Hidden"/> (or 64 when that is null too).</summary>
    public int? HeadDim { get; init; }
    /// <summary>Null means heads · head_dim.</summary>
    public int? Hidden { get; init; }
    public int Patch { get; init; } = 2;
    public int Channels { get; init; } = 16;
    public int Latent { get; init; } = 32;
    public int Tokens { get; init; } = 154;
    public int JointAttentionDim { get; init; } = 4096;
    public int PooledDim { get; init; } = 2048;
    public IReadOnlyList<int> Batches { get; init; } = [1, 4];
    [System.Text.Json.Serialization.JsonPropertyName("dtypes")]
    public IReadOnlyList<string> DTypes { get; init; } = ["float32", "bfloat16"];
    public string Device { get; init; } = "cpu";
    public int Warmup { get; init; } = 1;
    public int Repeats { get; init; } = 3;
    /// <summary>Repeats for Z-Sampling and W2SD, whose steps cost 6 passes per sample; fewer keep the default run short.</summary>
    public int ReflectiveRepeats { get; init; } = 2;
    /// <summary>
    /// Warmup for Z-Sampling and W2SD. 0 by default: they run the same teacher at the same (2B) batch shape that
    /// Euler+CFG has just warmed up.
    /// </summary>
    public int ReflectiveWarmup { get; init; }
    /// <summary>Consecutive (non-final) sampler steps per timed sample; the reported time is per step.</summary>
    public int StepsPerSample { get; init; } = 1;
    /// <summary>Length of the σ schedule the timed steps are taken from (its first steps).</summary>
    public int ScheduleSteps { get; init; } = 28;
    /// <summary>SD3's scheduler shift.</summary>
    public double Shift { get; init; } = 3.0;
    /// <summary>g for every sample (student and teachers).</summary>
    public double Guidance { get; init; } = 5.0;
    /// <summary>W2SD's guidance-gap pair (the reference's cfg_gap_list default).</summary>
    public double W2sdStrong { get; init; } = 5.5;
    public double W2sdWeak { get; init; } = 1.0;
    public long Seed { get; init; } = 0;

    public int ResolvedHeadDim => HeadDim ?? (Hidden is { } hidden ? hidden / Heads : 64);

    public int ResolvedHidden => Heads * ResolvedHeadDim;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option, before anything is built.</summary>
    public void Validate()
    {
        AtLeast("--layers", Layers, 1);
        AtLeast("--heads", Heads, 1);
        if (HeadDim is { } headDim) AtLeast("--head-dim", headDim, 1);
        if (Hidden is { } hidden)
        {
            AtLeast("--hidden", hidden, 1);
            if (hidden % Heads != 0)
                throw new ArgumentException($"--hidden {hidden} is not divisible by --heads {Heads}; each head needs the same width.");
            if (HeadDim is { } given && given * Heads != hidden)
                throw new ArgumentException($"--hidden {hidden} disagrees with --heads {Heads} × --head-dim {given} = {given * Heads}; give one of --hidden and --head-dim.");
        }
        if (ResolvedHidden % 4 != 0)
            throw new ArgumentException($"hidden size {ResolvedHidden} (--heads × --head-dim) must be divisible by 4 (2-D sin-cos position table).");
        AtLeast("--patch", Patch, 1);
        AtLeast("--channels", Channels, 1);
        AtLeast("--latent", Latent, 1);
        if (Latent % Patch != 0)
            throw new ArgumentException($"--latent {Latent} is not a multiple of --patch {Patch}.");
        AtLeast("--tokens", Tokens, 1);
        AtLeast("--joint-attention-dim", JointAttentionDim, 1);
        AtLeast("--pooled-dim", PooledDim, 1);
        if (Batches.Count == 0) throw new ArgumentException("--batch needs at least one batch size.");
        foreach (var batch in Batches) AtLeast("--batch", batch, 1);
        if (DTypes.Count == 0) throw new ArgumentException("--dtype needs at least one dtype.");
        foreach (var dtype in DTypes) ParseDType(dtype);
        ParseDevice();
        AtLeast("--warmup", Warmup, 0);
        AtLeast("--repeats", Repeats, 1);
        AtLeast("--reflective-repeats", ReflectiveRepeats, 1);
        AtLeast("--reflective-warmup", ReflectiveWarmup, 0);
        AtLeast("--schedule-steps", ScheduleSteps, 2);
        AtLeast("--steps-per-sample", StepsPerSample, 1);
        if (StepsPerSample >= ScheduleSteps)
            throw new ArgumentException(
                $"--steps-per-sample {StepsPerSample} must be below --schedule-steps {ScheduleSteps}: only non-final steps are timed.");
        if (Shift <= 0) throw new ArgumentException($"--shift {Shift} must be positive.");
        if (Seed < 0) throw new ArgumentException($"--seed {Seed} must be non-negative.");
        StudentConfig().Validate();
    }

    public Device ParseDevice()
    {
        try
        {
            return ComputeOptions.ParseDevice(Device);
        }
        catch (ArgumentException error)
        {
            throw OptionErrors.Named("--device", error);
        }
    }

    public static ScalarType ParseDType(string dtype)
    {
        try
        {
            return ComputeOptions.ParseDType(dtype);
        }
        catch (ArgumentException error)
        {
            throw OptionErrors.Named("--dtype", error);
        }
    }

    /// <summary>The TeEFusion student: the same MMDiT with txt_align_guidance.</summary>
    public SD3TransformerConfig StudentConfig() => ModelConfig(txtAlignGuidance: true);

    /// <summary>The teacher: plain SD3 (txt_align_guidance off), which all CFG samplers run.</summary>
    public SD3TransformerConfig TeacherConfig() => ModelConfig(txtAlignGuidance: false);

    private SD3TransformerConfig ModelConfig(bool txtAlignGuidance) => new()
    {
        SampleSize = Latent,
        PatchSize = Patch,
        InChannels = Channels,
        OutChannels = Channels,
        NumLayers = Layers,
        NumAttentionHeads = Heads,
        AttentionHeadDim = ResolvedHeadDim,
        JointAttentionDim = JointAttentionDim,
        CaptionProjectionDim = ResolvedHidden,
        PooledProjectionDim = PooledDim,
        // SD3's 96, unless the latent grid is larger.
        PosEmbedMaxSize = Math.Max(96, Latent / Patch),
        TxtAlignGuidance = txtAlignGuidance,
    };
}
