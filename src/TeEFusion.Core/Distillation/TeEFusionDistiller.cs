using System.Text.Json;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// Distills a CFG (or reflective) teacher into a TeEFusion student. Our recipe, since the paper's training code is
/// not public:
/// <list type="bullet">
/// <item>Student = a copy of the teacher's weights built with txt_align_guidance (no new parameters); the teacher is
/// frozen (requires_grad off) and only ever run under no_grad.</item>
/// <item>Each optimizer step sums <see cref="DistillationSettings.GradAccumulation"/> micro-batches of
/// <see cref="DistillationSettings.BatchSize"/> trajectories. A trajectory takes the next prompt of a seeded
/// per-epoch shuffle, g ~ U[g_min, g_max], and seeded noise, and is rolled out by the teacher's sampler (or, for a
/// <see cref="DistillationSettings.CfgTargetFraction"/> of trajectories, by plain Euler+CFG) over the run's schedule.</item>
/// <item>At every step i the teacher's effective velocity (x_{i+1} − x_i)/(σ_{i+1} − σ_i) is the target for the
/// student at (x_i, σ_i) with fused conditioning for g (txt_align_guidance = 1000·g, txt_align_vec = pooled(prompt) −
/// pooled("")). A seeded subset of <see cref="DistillationSettings.StepsPerTrajectory"/> steps (or all) is trained on.
/// For Euler+CFG the target is exactly the CFG velocity; for Z-Sampling/W2SD it folds the reflection into the step.</item>
/// <item>Loss = MSE; AdamW (torch's update), linear warm-up, global-norm gradient clipping.</item>
/// <item>In bfloat16 (<see cref="DistillationSettings.ComputeDType"/>) the teacher's rollouts and the student's forward and
/// backward run on bfloat16 copies while latents, targets and the loss stay float32; <see cref="Student"/> keeps the
/// float32 master weights that the optimizer, clipping, EMA and checkpoints use (<see cref="StudentComputeCopy"/>).</item>
/// </list>
/// Every draw is a pure function of (seed, step, slot), so runs are deterministic and a resume from a checkpoint
/// continues exactly as an uninterrupted run. Synchronous: dispose scopes are thread-local, so call it from one thread.
/// </summary>
public sealed class TeEFusionDistiller : IDisposable
{
    private readonly SD3Transformer2DModel _teacher;
    private readonly FlowMatchEulerDiscreteScheduler _scheduler;
    private readonly DistillationPrompts _prompts;
    private readonly SigmaSchedule _schedule;
    private readonly IFlowMatchSampler _teacherSampler;
    private readonly IFlowMatchSampler _cfgSampler;
    private readonly StudentAdamW _optimizer;
    private readonly StudentEma? _ema;
    private readonly StudentComputeCopy _compute;
    private readonly SD3Transformer2DModel? _teacherCopy;
    private readonly List<double> _losses = [];

    /// <param name="teacher">The teacher transformer (txt_align_guidance off); it is frozen, not copied.</param>
    /// <param name="scheduler">The model's scheduler.</param>
    /// <param name="prompts">Training prompts; not owned.</param>
    /// <param name="settings">The recipe; validated here.</param>
    public TeEFusionDistiller(SD3Transformer2DModel teacher, FlowMatchEulerDiscreteScheduler scheduler, DistillationPrompts prompts,
        DistillationSettings settings)
    {
        settings.Validate();
        if (teacher.Config.TxtAlignGuidance)
            throw new ArgumentException("The teacher must be built without txt_align_guidance.", nameof(teacher));
        _teacher = teacher;
        _scheduler = scheduler;
        _prompts = prompts;
        Settings = settings;
        _schedule = scheduler.GetSchedule(settings.Steps);
        var device = prompts.Prompts.Pooled.device;
        Freeze(teacher);
        nn.Module<SD3TransformerInput, Tensor> teacherModel = teacher;
        if (teacher.parameters().First().dtype != settings.ComputeDType)
        {
            _teacherCopy = new SD3Transformer2DModel(teacher.Config, device, settings.ComputeDType);
            CopyWeights(teacher, _teacherCopy);
            Freeze(_teacherCopy);
            teacherModel = new ComputeDTypeTransformer(_teacherCopy, settings.ComputeDType);
        }
        _teacherSampler = TeacherSamplers.Create(teacherModel, settings.Teacher);
        _cfgSampler = new EulerCfg(teacherModel);

        Student = new SD3Transformer2DModel(StudentConfig(teacher.Config), device, ScalarType.Float32);
        CopyWeights(teacher, Student);
        Student.train();
        _compute = new StudentComputeCopy(Student, settings.ComputeDType, device);
        _compute.Transformer.GradientCheckpointing = settings.ActivationCheckpointing;
        var named = Student.named_parameters().Select(p => (p.name, p.parameter)).ToArray();
        _optimizer = new StudentAdamW(named, settings);
        if (settings.EmaDecay is { } decay) _ema = new StudentEma(named, decay);
    }

    public DistillationSettings Settings { get; }

    /// <summary>The student being trained (txt_align_guidance on): float32, the master weights in every compute dtype.</summary>
    public SD3Transformer2DModel Student { get; }

    /// <summary>Optimizer steps done.</summary>
    public int Iteration { get; private set; }

    /// <summary>Mean training loss of each optimizer step so far.</summary>
    public IReadOnlyList<double> LossHistory => _losses;

    /// <summary>The teacher's config with txt_align_guidance switched on, as the student's config.json says.</summary>
    public static SD3TransformerConfig StudentConfig(SD3TransformerConfig teacher)
    {
        var node = JsonSerializer.SerializeToNode(teacher)!.AsObject();
        node["txt_align_guidance"] = true;
        return node.Deserialize<SD3TransformerConfig>()!;
    }

    /// <summary>Learning rate of optimizer step <paramref name="iteration"/> (0-based): linear warm-up, then constant.</summary>
    public double LearningRateAt(int iteration) =>
        Settings.WarmupSteps == 0 ? Settings.LearningRate : Settings.LearningRate * Math.Min(1.0, (iteration + 1.0) / Settings.WarmupSteps);

    /// <summary>One optimizer step; returns its mean loss.</summary>
    /// <exception cref="InvalidOperationException">The loss is not finite (no update is applied).</exception>
    public double Step()
    {
        Student.zero_grad();
        _compute.Transformer.zero_grad();
        var accumulation = Settings.GradAccumulation;
        var total = 0.0;
        for (var micro = 0; micro < accumulation; micro++)
        {
            using var scope = NewDisposeScope();
            var batch = Targets(micro);
            var v = _compute.Model.call(batch.Input);                                          // (M, C, H, W), float32
            var loss = nn.functional.mse_loss(v, batch.Target);                               // ()
            (loss / accumulation).backward();
            _compute.AccumulateGradients();
            total += loss.item<float>();
        }
        // A non-finite loss would poison the moments for good; stop before the update so the last checkpoint stays usable.
        if (!double.IsFinite(total))
            throw new InvalidOperationException($"The loss at iteration {Iteration + 1} is {total}; lower LearningRate or GradClipNorm.");
        if (Settings.GradClipNorm is { } clip) nn.utils.clip_grad_norm_(_optimizer.Parameters, clip);
        _optimizer.Step(LearningRateAt(Iteration));
        _ema?.Update();
        _compute.Refresh();
        Student.zero_grad();
        Iteration++;
        var mean = total / accumulation;
        _losses.Add(mean);
        return mean;
    }

    /// <summary>
    /// A distiller that continues <paramref name="run"/> from its latest checkpoint. The settings must be the run's except
    /// for Iterations and the checkpoint cadence (checked against the checkpoint's state).
    /// </summary>
    public static TeEFusionDistiller Resume(DistillationRunFolder run, SD3Transformer2DModel teacher, FlowMatchEulerDiscreteScheduler scheduler,
        DistillationPrompts prompts, DistillationSettings settings)
    {
        var distiller = new TeEFusionDistiller(teacher, scheduler, prompts, settings);
        try
        {
            var state = DistillationCheckpoint.LoadLatest(run, distiller.Student, distiller._optimizer, distiller._ema);
            if (state.Recipe != settings.Recipe())
                throw new ArgumentException(
                    $"The run under {run.Root} was started with other settings; it used {state.Recipe}, not {settings.Recipe()}.", nameof(settings));
            distiller._compute.Refresh();
            distiller.Iteration = state.Iteration;
            distiller._losses.AddRange(state.LossHistory);
            return distiller;
        }
        catch
        {
            distiller.Dispose();
            throw;
        }
    }

    internal StudentAdamW Optimizer => _optimizer;

    internal StudentEma? Ema => _ema;

    /// <summary>
    /// A new student model holding the EMA weights when <see cref="DistillationSettings.EmaDecay"/> is set, else a copy
    /// of the trained weights. The caller owns it.
    /// </summary>
    public SD3Transformer2DModel ExportStudent()
    {
        var copy = new SD3Transformer2DModel(Student.Config, _prompts.Prompts.Pooled.device, ScalarType.Float32);
        CopyWeights(Student, copy);
        _ema?.CopyTo(copy);
        return copy;
    }

    // The micro-batch's student input and detached teacher targets, one row per trained (trajectory, step).
    private (SD3TransformerInput Input, Tensor Target) Targets(int micro)
    {
        using var noGrad = no_grad();
        var settings = Settings;
        var batch = settings.BatchSize;
        var slots = Enumerable.Range(micro * batch, batch).ToArray();
        var rows = new int[batch];
        var guidance = new double[batch];
        var seeds = new long[batch];
        var useCfg = new bool[batch];
        for (var b = 0; b < batch; b++)
        {
            long sample = ((long)Iteration * settings.GradAccumulation + micro) * batch + b;
            rows[b] = DistillationRandom.Permutation(_prompts.Count, settings.Seed, sample / _prompts.Count, 0, 0)[sample % _prompts.Count];
            guidance[b] = settings.GuidanceMin + (settings.GuidanceMax - settings.GuidanceMin) * DistillationRandom.Uniform(settings.Seed, Iteration, slots[b], 1);
            seeds[b] = DistillationRandom.NoiseSeed(settings.Seed, Iteration, slots[b]);
            useCfg[b] = DistillationRandom.Uniform(settings.Seed, Iteration, slots[b], 2) < settings.CfgTargetFraction;
        }

        var xs = new List<Tensor>();
        var targets = new List<Tensor>();
        var sigmas = new List<float>();
        var rowOf = new List<int>();
        var config = Student.Config;
        for (var b = 0; b < batch; b++)
        {
            var conditioning = _prompts.Conditioning([rows[b]], [guidance[b]]);
            var trajectory = Rollout(useCfg[b] ? _cfgSampler : _teacherSampler,
                LatentNoise.Sample([seeds[b]], config.InChannels, settings.LatentHeight, settings.LatentWidth,
                    _prompts.Prompts.Pooled.device, ScalarType.Float32), conditioning);
            var order = DistillationRandom.Permutation(_schedule.NumSteps, settings.Seed, Iteration, slots[b], 4);
            foreach (var i in order.Take(settings.StepsPerTrajectory ?? _schedule.NumSteps).Order())
            {
                var dt = _schedule.Sigmas[i + 1] - _schedule.Sigmas[i];
                xs.Add(trajectory[i]);
                targets.Add((trajectory[i + 1] - trajectory[i]) / dt);                         // (1, C, H, W)
                sigmas.Add(_schedule.Sigmas[i]);
                rowOf.Add(b);
            }
        }

        var conditioningRows = _prompts.Conditioning(rowOf.Select(r => rows[r]).ToArray(), rowOf.Select(r => guidance[r]).ToArray());
        var x = cat(xs, 0);                                                                    // (M, C, H, W)
        var input = new SD3TransformerInput(
            x,
            conditioningRows.Prompt.EncoderHiddenStates,                                       // (M, T, D)
            conditioningRows.Prompt.Pooled,                                                    // (M, P)
            GuidedVelocity.Timesteps(sigmas.ToArray(), x.device),                              // (M)
            // Formed in the compute dtype, as the serving pipeline forms it in the model's (bf16: g = 5 gives 4992).
            TxtAlignGuidance: StudentEuler.TxtAlignGuidance(conditioningRows.Guidance, settings.ComputeDType, x.device), // (M)
            TxtAlignVec: conditioningRows.Prompt.Pooled - conditioningRows.Negative.Pooled);   // (M, P)
        return (input, cat(targets, 0).detach());                                              // (M, C, H, W)
    }

    // x_0..x_N of one teacher trajectory, (1, C, H, W) each, in the caller's scope.
    private List<Tensor> Rollout(IFlowMatchSampler sampler, Tensor noise, SamplingConditioning conditioning)
    {
        var states = new List<Tensor> { noise };
        for (var i = 0; i < _schedule.NumSteps; i++)
        {
            var result = sampler.Step(new SamplerStepInput(states[i], [_schedule.Sigmas[i]], [_schedule.Sigmas[i + 1]], [i], conditioning));
            states.Add(result.Latents);
        }
        return states;
    }

    private static void Freeze(SD3Transformer2DModel model)
    {
        foreach (var p in model.parameters()) p.requires_grad = false;
        model.eval();
    }

    // Same-named tensors, cast to the target's dtype.
    private static void CopyWeights(nn.Module source, nn.Module target)
    {
        using var noGrad = no_grad();
        var from = source.state_dict();
        foreach (var (name, to) in target.state_dict()) to.copy_(from[name]);
    }

    public void Dispose()
    {
        _compute.Dispose();
        _teacherCopy?.Dispose();
        _optimizer.Dispose();
        _ema?.Dispose();
        Student.Dispose();
    }
}
