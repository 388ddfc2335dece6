namespace TeEFusion.Service.Distillation;

/// <summary>
/// Body of POST /admin/distillations (snake_case JSON). Unset numbers take <see cref="TeEFusion.Core.Distillation.DistillationSettings"/>'s
/// defaults; exactly one of <see cref="Prompts"/> and <see cref="PromptsFile"/> is required.
/// </summary>
public sealed record DistillationRequest
{
    /// <summary>Training prompts.</summary>
    public List<string>? Prompts { get; init; }

    /// <summary>A text file (one prompt per line) relative to Distillation:DataDirectory.</summary>
    public string? PromptsFile { get; init; }

    /// <summary>
    /// The served model to learn from: a plain SD3 model (its folder is the teacher), or a TeEFusion student that carries its
    /// teacher folder (teacher/). The default model when unset.
    /// </summary>
    public string? TeacherModel { get; init; }

    /// <summary>
    /// The id promotion serves the student under: an existing student's id (replaced) or a new id (added beside the teacher).
    /// Unset: the student the teacher came from, else "{teacher_model}-student".
    /// </summary>
    public string? StudentModel { get; init; }

    /// <summary>Teacher sampler: euler-cfg, z-sampling or w2sd.</summary>
    public string? Sampler { get; init; }

    /// <summary>Z-Sampling's inversion guidance γ2.</summary>
    public double? InversionGuidance { get; init; }

    /// <summary>Z-Sampling's λ (reflect on steps below it).</summary>
    public int? LambdaStep { get; init; }

    /// <summary>Z-Sampling's zig-zag rounds per reflected step.</summary>
    public int? Rounds { get; init; }

    public int? Steps { get; init; }
    public int? StepsPerTrajectory { get; init; }
    public double? GMin { get; init; }
    public double? GMax { get; init; }
    public double? Lr { get; init; }
    public double? WeightDecay { get; init; }
    public int? WarmupSteps { get; init; }
    public double? GradClipNorm { get; init; }
    public int? Iterations { get; init; }
    public int? BatchSize { get; init; }
    public int? CheckpointInterval { get; init; }
    public long? Seed { get; init; }

    /// <summary>Decay of an EMA of the student's weights (0–1, exclusive); the EMA is what a finished run exports.</summary>
    public double? EmaDecay { get; init; }

    /// <summary>Compute dtype of the model passes: float32 (default) or bfloat16 (float32 master weights).</summary>
    public string? ComputeDtype { get; init; }

    /// <summary>Recompute each transformer block in the backward instead of keeping its activations (large models on one GPU).</summary>
    public bool? ActivationCheckpointing { get; init; }

    /// <summary>Held-out prompts: the student (1 pass/step) is compared with the teacher's sampler on them, seed 0, g = (g_min + g_max) / 2.</summary>
    public List<string>? EvalPrompts { get; init; }

    /// <summary>Evaluate every this many iterations (and before the first and after the last); 0 = only before and after.</summary>
    public int? EvalInterval { get; init; }
}
