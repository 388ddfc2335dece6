using TeEFusion.Core.Pipelines;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// One distillation run's recipe. Defaults follow the SD3 fine-tuning recipe where the paper is silent
/// (AdamW β 0.9/0.999, weight decay 1e-4). Call <see cref="Validate"/> before use; the trainer does.
/// </summary>
public sealed record DistillationSettings
{
    /// <summary>The teacher's sampler (euler-cfg, z-sampling or w2sd) and its parameters.</summary>
    public SamplerSettings Teacher { get; init; } = new(SamplerKind.EulerCfg);

    /// <summary>Steps of the schedule the teacher is rolled out over (and the student is trained for).</summary>
    public int Steps { get; init; } = 28;

    /// <summary>Teacher trajectory steps trained on per sample and iteration (seeded subset); null trains on all.</summary>
    public int? StepsPerTrajectory { get; init; }

    /// <summary>Smallest guidance scale g drawn per sample (diffusers' convention).</summary>
    public double GuidanceMin { get; init; } = 3.0;

    /// <summary>Largest guidance scale g drawn per sample.</summary>
    public double GuidanceMax { get; init; } = 7.0;

    /// <summary>The run's seed: prompt order, g, noise and step subsets all derive from it.</summary>
    public long Seed { get; init; }

    public double LearningRate { get; init; } = 1e-5;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Max global L2 norm of the gradient; null disables clipping.</summary>
    public double? GradClipNorm { get; init; } = 1.0;

    /// <summary>Micro-batches summed into one optimizer step.</summary>
    public int GradAccumulation { get; init; } = 1;

    /// <summary>Optimizer steps over which the learning rate rises linearly to <see cref="LearningRate"/>.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Optimizer steps of the run.</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>Prompts (one teacher trajectory each) per micro-batch.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Decay of an EMA of the student's weights (e.g. 0.999); null keeps no EMA.</summary>
    public double? EmaDecay { get; init; }

    /// <summary>Fraction of trajectories whose targets come from plain Euler+CFG instead of <see cref="Teacher"/>.</summary>
    public double CfgTargetFraction { get; init; }

    /// <summary>Latent height (image height / VAE factor).</summary>
    public int LatentHeight { get; init; } = 128;

    /// <summary>Latent width (image width / VAE factor).</summary>
    public int LatentWidth { get; init; } = 128;

    /// <summary>
    /// Compute dtype of the model passes: float32, or bfloat16 with float32 master weights (the student's parameters,
    /// which the optimizer updates and the checkpoints store; the teacher's and the student's passes run on bfloat16
    /// copies). float16 is not offered: it would need loss scaling.
    /// </summary>
    public ScalarType ComputeDType { get; init; } = ScalarType.Float32;

    /// <summary>
    /// Recompute each transformer block in the backward instead of keeping its activations (SD3-medium on one GPU).
    /// It changes memory and time, not the gradients (up to rounding), so a run may resume with it switched.
    /// </summary>
    public bool ActivationCheckpointing { get; init; }

    /// <summary>A checkpoint is written every this many optimizer steps (and at the end); 0 writes only the last.</summary>
    public int CheckpointInterval { get; init; } = 500;

    /// <summary>Newest checkpoints kept on disk; older ones are deleted after each save (an SD3-medium one is ~25 GB).</summary>
    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>
    /// Every setting that decides the run's trajectory, as text: all but the length of the run, the checkpoint
    /// cadence and activation checkpointing, which may change on resume without changing the steps already taken.
    /// </summary>
    public string Recipe() =>
        (this with { Iterations = 1, CheckpointInterval = 0, KeepCheckpoints = 1, ActivationCheckpointing = false }).ToString();

    /// <summary>Throws <see cref="ArgumentException"/> whose ParamName is the offending field.</summary>
    public void Validate()
    {
        if (Teacher.Kind == SamplerKind.Student)
            throw new ArgumentException("The teacher must be euler-cfg, z-sampling or w2sd, not the student.", nameof(Teacher));
        Positive(Teacher.Rounds, nameof(SamplerSettings.Rounds));
        if (Teacher.LambdaStep is < 0)
            throw new ArgumentException($"LambdaStep must be ≥ 0; got {Teacher.LambdaStep}.", nameof(SamplerSettings.LambdaStep));
        Positive(Steps, nameof(Steps));
        if (StepsPerTrajectory is { } k && (k < 1 || k > Steps))
            throw new ArgumentException($"StepsPerTrajectory must lie in [1, Steps = {Steps}]; got {k}.", nameof(StepsPerTrajectory));
        Finite(GuidanceMin, nameof(GuidanceMin));
        Finite(GuidanceMax, nameof(GuidanceMax));
        if (GuidanceMin > GuidanceMax)
            throw new ArgumentException($"GuidanceMin ({GuidanceMin}) must not exceed GuidanceMax ({GuidanceMax}).", nameof(GuidanceMin));
        if (Seed < 0) throw new ArgumentException($"Seed must be non-negative; got {Seed}.", nameof(Seed));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentException($"LearningRate must be a positive finite number; got {LearningRate}.", nameof(LearningRate));
        Unit(Beta1, nameof(Beta1));
        Unit(Beta2, nameof(Beta2));
        if (!(Epsilon > 0)) throw new ArgumentException($"Epsilon must be positive; got {Epsilon}.", nameof(Epsilon));
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay))
            throw new ArgumentException($"WeightDecay must be ≥ 0; got {WeightDecay}.", nameof(WeightDecay));
        if (GradClipNorm is { } clip && !(clip > 0))
            throw new ArgumentException($"GradClipNorm must be positive (or null for no clipping); got {clip}.", nameof(GradClipNorm));
        Positive(GradAccumulation, nameof(GradAccumulation));
        if (WarmupSteps < 0) throw new ArgumentException($"WarmupSteps must be ≥ 0; got {WarmupSteps}.", nameof(WarmupSteps));
        Positive(Iterations, nameof(Iterations));
        Positive(BatchSize, nameof(BatchSize));
        if (EmaDecay is { } decay && !(decay > 0 && decay < 1))
            throw new ArgumentException($"EmaDecay must lie in (0, 1); got {decay}.", nameof(EmaDecay));
        if (!(CfgTargetFraction >= 0 && CfgTargetFraction <= 1))
            throw new ArgumentException($"CfgTargetFraction must lie in [0, 1]; got {CfgTargetFraction}.", nameof(CfgTargetFraction));
        Positive(LatentHeight, nameof(LatentHeight));
        Positive(LatentWidth, nameof(LatentWidth));
        if (ComputeDType is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new ArgumentException($"ComputeDType must be Float32 or BFloat16; got {ComputeDType}.", nameof(ComputeDType));
        if (CheckpointInterval < 0)
            throw new ArgumentException($"CheckpointInterval must be ≥ 0; got {CheckpointInterval}.", nameof(CheckpointInterval));
        Positive(KeepCheckpoints, nameof(KeepCheckpoints));
    }

    private static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentException($"{name} must be at least 1; got {value}.", name);
    }

    private static void Finite(double value, string name)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"{name} must be finite; got {value}.", name);
    }

    private static void Unit(double value, string name)
    {
        if (!(value >= 0 && value < 1)) throw new ArgumentException($"{name} must lie in [0, 1); got {value}.", name);
    }
}
