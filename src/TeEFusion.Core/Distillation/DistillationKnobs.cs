using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// The one definition of the settings `teefusion distill` and POST /admin/distillations take: each front end derives its
/// options or fields from <see cref="All"/>, and both check values with <see cref="Resolve"/>, so that they offer the
/// same knobs with the same defaults and refuse the same values with the same messages.
/// </summary>
public static class DistillationKnobs
{
    /// <summary>The settings a run has when no knob is given.</summary>
    public static DistillationRunSettings Defaults { get; } = new(new DistillationSettings());

    /// <summary>Every knob, in the order they are applied (the sampler before its parameters).</summary>
    public static IReadOnlyList<DistillationKnob> All { get; } =
    [
        Recipe<string>("sampler", nameof(DistillationSettings.Teacher), "Teacher sampler: euler-cfg, z-sampling or w2sd.",
            s => s.Teacher.Name, (s, v) => s with { Teacher = SamplerSettings.Parse(v) }),
        Recipe<double>("inversion_guidance", nameof(SamplerSettings.InversionGuidance), "Z-Sampling's inversion guidance γ2.",
            s => s.Teacher.InversionGuidance, (s, v) => s with { Teacher = s.Teacher with { InversionGuidance = v } }),
        Recipe<int?>("lambda_step", nameof(SamplerSettings.LambdaStep), "Z-Sampling's λ: reflect on the steps below it (default: all but the last).",
            s => s.Teacher.LambdaStep, (s, v) => s with { Teacher = s.Teacher with { LambdaStep = v } }),
        Recipe<int>("rounds", nameof(SamplerSettings.Rounds), "Z-Sampling's zig-zag rounds per reflected step (at least 1).",
            s => s.Teacher.Rounds, (s, v) => s with { Teacher = s.Teacher with { Rounds = v } }),
        Recipe<int>("steps", nameof(DistillationSettings.Steps), "Schedule steps of the teacher's rollouts.",
            s => s.Steps, (s, v) => s with { Steps = v }),
        Recipe<int?>("steps_per_trajectory", nameof(DistillationSettings.StepsPerTrajectory),
            "Teacher steps trained on per trajectory, a seeded subset in [1, steps] (default: all).",
            s => s.StepsPerTrajectory, (s, v) => s with { StepsPerTrajectory = v }),
        Recipe<double>("g_min", nameof(DistillationSettings.GuidanceMin), "Smallest guidance scale drawn.",
            s => s.GuidanceMin, (s, v) => s with { GuidanceMin = v }),
        Recipe<double>("g_max", nameof(DistillationSettings.GuidanceMax), "Largest guidance scale drawn.",
            s => s.GuidanceMax, (s, v) => s with { GuidanceMax = v }),
        Recipe<double>("lr", nameof(DistillationSettings.LearningRate), "AdamW learning rate.",
            s => s.LearningRate, (s, v) => s with { LearningRate = v }),
        Recipe<double>("weight_decay", nameof(DistillationSettings.WeightDecay), "AdamW weight decay (≥ 0).",
            s => s.WeightDecay, (s, v) => s with { WeightDecay = v }),
        Recipe<int>("warmup_steps", nameof(DistillationSettings.WarmupSteps), "Steps over which the learning rate rises linearly to lr.",
            s => s.WarmupSteps, (s, v) => s with { WarmupSteps = v }),
        Recipe<double?>("grad_clip_norm", nameof(DistillationSettings.GradClipNorm), "Max global L2 norm of the gradient.",
            s => s.GradClipNorm, (s, v) => s with { GradClipNorm = v }),
        Recipe<int>("iterations", nameof(DistillationSettings.Iterations), "Optimizer steps.",
            s => s.Iterations, (s, v) => s with { Iterations = v }),
        Recipe<int>("batch_size", nameof(DistillationSettings.BatchSize), "Teacher trajectories per step.",
            s => s.BatchSize, (s, v) => s with { BatchSize = v }),
        Recipe<int>("checkpoint_interval", nameof(DistillationSettings.CheckpointInterval), "Steps between checkpoints (0: only the last).",
            s => s.CheckpointInterval, (s, v) => s with { CheckpointInterval = v }),
        Recipe<long>("seed", nameof(DistillationSettings.Seed), "The run's seed.",
            s => s.Seed, (s, v) => s with { Seed = v }),
        Recipe<double?>("ema_decay", nameof(DistillationSettings.EmaDecay),
            "Decay of an EMA of the student's weights, in (0, 1); the EMA is what the run exports (default: no EMA).",
            s => s.EmaDecay, (s, v) => s with { EmaDecay = v }),
        Recipe<string>("compute_dtype", nameof(DistillationSettings.ComputeDType), "Compute dtype: float32, or bfloat16 with float32 master weights.",
            s => s.ComputeDType.ToString().ToLowerInvariant(), (s, v) => s with { ComputeDType = ComputeOptions.ParseDType(v) }, option: "--dtype"),
        Recipe<bool>("activation_checkpointing", nameof(DistillationSettings.ActivationCheckpointing),
            "Recompute transformer blocks in the backward (less memory).",
            s => s.ActivationCheckpointing, (s, v) => s with { ActivationCheckpointing = v }),
        new("eval_interval", "--eval-interval", nameof(DistillationRunSettings.EvalInterval), typeof(int),
            "Evaluate every this many steps (0: only before and after).", r => r.EvalInterval, (r, v) => r with { EvalInterval = (int)v }),
    ];

    /// <summary>
    /// The settings with each knob's value from <paramref name="valueOf"/> applied (null leaves the default), checked;
    /// or null and every value that was refused.
    /// </summary>
    public static DistillationRunSettings? Resolve(Func<DistillationKnob, object?> valueOf, out IReadOnlyList<DistillationKnobError> errors)
    {
        var run = Defaults;
        var refused = new List<DistillationKnobError>();
        foreach (var knob in All)
        {
            if (valueOf(knob) is not { } value) continue;
            try
            {
                run = knob.Apply(run, value);
            }
            catch (ArgumentException e)
            {
                refused.Add(new DistillationKnobError(knob, knob.Parameter, e.Message));
            }
        }
        if (refused.Count == 0)
        {
            try
            {
                run.Validate();
            }
            catch (ArgumentException e)
            {
                refused.Add(new DistillationKnobError(All.FirstOrDefault(k => k.Parameter == e.ParamName), e.ParamName, e.Message));
            }
        }
        errors = refused;
        return refused.Count == 0 ? run : null;
    }

    // A knob of the recipe; its CLI option is the field in kebab case unless given.
    private static DistillationKnob Recipe<T>(string field, string parameter, string help, Func<DistillationSettings, T> read,
        Func<DistillationSettings, T, DistillationSettings> apply, string? option = null) =>
        new(field, option ?? "--" + field.Replace('_', '-'), parameter, typeof(T), help,
            r => read(r.Settings), (r, v) => r with { Settings = apply(r.Settings, (T)v) });
}
