using Microsoft.Extensions.Options;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Service.Options;
using static TorchSharp.torch;

namespace TeEFusion.Service.Distillation;

/// <summary>A checked request: the trainer's settings and the prompts, resolved from the body or the prompt file.</summary>
/// <param name="Settings">Validated settings (latent size is the model's own, set when the run starts).</param>
/// <param name="Prompts">Training prompts.</param>
/// <param name="EvalPrompts">Held-out prompts.</param>
/// <param name="EvalInterval">Iterations between evaluations; 0 evaluates only before and after.</param>
public sealed record DistillationPlan(DistillationSettings Settings, IReadOnlyList<string> Prompts, IReadOnlyList<string> EvalPrompts,
    int EvalInterval);

/// <summary>
/// Turns a <see cref="DistillationRequest"/> into a <see cref="DistillationPlan"/> or field errors keyed by the JSON name
/// (g_min, lr, prompts_file, …). The trainer's own <see cref="DistillationSettings.Validate"/> is the final word: its
/// ParamName is mapped back to the request field so both agree on what is valid.
/// </summary>
public sealed class DistillationRequestValidator(IOptions<DistillationOptions> options)
{
    private static readonly Dictionary<string, string> FieldOf = new()
    {
        [nameof(DistillationSettings.Teacher)] = "sampler",
        [nameof(DistillationSettings.Steps)] = "steps",
        [nameof(DistillationSettings.StepsPerTrajectory)] = "steps_per_trajectory",
        [nameof(DistillationSettings.GuidanceMin)] = "g_min",
        [nameof(DistillationSettings.GuidanceMax)] = "g_max",
        [nameof(DistillationSettings.Seed)] = "seed",
        [nameof(DistillationSettings.LearningRate)] = "lr",
        [nameof(DistillationSettings.WeightDecay)] = "weight_decay",
        [nameof(DistillationSettings.GradClipNorm)] = "grad_clip_norm",
        [nameof(DistillationSettings.WarmupSteps)] = "warmup_steps",
        [nameof(DistillationSettings.Iterations)] = "iterations",
        [nameof(DistillationSettings.BatchSize)] = "batch_size",
        [nameof(DistillationSettings.CheckpointInterval)] = "checkpoint_interval",
        [nameof(DistillationSettings.EmaDecay)] = "ema_decay",
        [nameof(DistillationSettings.ComputeDType)] = "compute_dtype",
    };

    private readonly DistillationOptions _options = options.Value;

    public DistillationPlan? Validate(DistillationRequest request, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var prompts = ResolvePrompts(request, errors);
        var sampler = ResolveSampler(request, errors);
        if (request.Iterations > _options.MaxIterations)
            errors["iterations"] = [$"iterations must not exceed Distillation:MaxIterations ({_options.MaxIterations})."];
        if (request.EvalPrompts is { } eval && eval.Any(string.IsNullOrWhiteSpace))
            errors["eval_prompts"] = ["eval_prompts must not contain blank prompts."];
        if (request.EvalInterval is < 0) errors["eval_interval"] = ["eval_interval must be ≥ 0."];
        var dtype = ScalarType.Float32;
        try
        {
            if (request.ComputeDtype is { } name) dtype = ComputeOptions.ParseDType(name);
        }
        catch (ArgumentException e)
        {
            errors["compute_dtype"] = [e.Message];
        }
        if (sampler is null || errors.Count > 0) return null;

        var defaults = new DistillationSettings();
        var settings = new DistillationSettings
        {
            Teacher = sampler,
            Steps = request.Steps ?? defaults.Steps,
            StepsPerTrajectory = request.StepsPerTrajectory,
            GuidanceMin = request.GMin ?? defaults.GuidanceMin,
            GuidanceMax = request.GMax ?? defaults.GuidanceMax,
            Seed = request.Seed ?? defaults.Seed,
            LearningRate = request.Lr ?? defaults.LearningRate,
            WeightDecay = request.WeightDecay ?? defaults.WeightDecay,
            GradClipNorm = request.GradClipNorm ?? defaults.GradClipNorm,
            WarmupSteps = request.WarmupSteps ?? defaults.WarmupSteps,
            Iterations = request.Iterations ?? defaults.Iterations,
            BatchSize = request.BatchSize ?? defaults.BatchSize,
            CheckpointInterval = request.CheckpointInterval ?? defaults.CheckpointInterval,
            EmaDecay = request.EmaDecay,
            ComputeDType = dtype,
            ActivationCheckpointing = request.ActivationCheckpointing ?? false,
        };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            errors[FieldOf.GetValueOrDefault(e.ParamName ?? "", e.ParamName ?? "body")] = [e.Message];
            return null;
        }
        return new DistillationPlan(settings, prompts!, request.EvalPrompts ?? [], request.EvalInterval ?? 0);
    }

    private List<string>? ResolvePrompts(DistillationRequest request, Dictionary<string, string[]> errors)
    {
        if (request.Prompts is not null && request.PromptsFile is not null)
        {
            errors["prompts"] = ["Give either prompts or prompts_file, not both."];
            return null;
        }
        List<string>? prompts;
        if (request.PromptsFile is { } file)
        {
            if (PromptFiles.Read(_options.DataDirectory, file, out var error) is not { } read)
            {
                errors["prompts_file"] = [error!];
                return null;
            }
            prompts = read;
        }
        else
        {
            prompts = request.Prompts?.Select(p => p?.Trim() ?? "").ToList();
            if (prompts is not null && prompts.Any(p => p.Length == 0))
            {
                errors["prompts"] = ["prompts must not contain blank prompts."];
                return null;
            }
        }
        var field = request.PromptsFile is null ? "prompts" : "prompts_file";
        if (prompts is null || prompts.Count == 0) errors[field] = ["At least one training prompt is needed."];
        else if (prompts.Count > _options.MaxPrompts) errors[field] = [$"At most Distillation:MaxPrompts ({_options.MaxPrompts}) prompts are allowed."];
        return prompts;
    }

    private static SamplerSettings? ResolveSampler(DistillationRequest request, Dictionary<string, string[]> errors)
    {
        SamplerSettings sampler;
        try
        {
            sampler = SamplerSettings.Parse(request.Sampler ?? "euler-cfg");
        }
        catch (ArgumentException e)
        {
            errors["sampler"] = [e.Message];
            return null;
        }
        if (sampler.Kind == SamplerKind.Student)
        {
            errors["sampler"] = ["The teacher sampler must be euler-cfg, z-sampling or w2sd."];
            return null;
        }
        if (request.Rounds is < 1)
        {
            errors["rounds"] = ["rounds must be at least 1."];
            return null;
        }
        if (request.LambdaStep is < 0)
        {
            errors["lambda_step"] = ["lambda_step must be ≥ 0."];
            return null;
        }
        return sampler with
        {
            InversionGuidance = request.InversionGuidance ?? sampler.InversionGuidance,
            LambdaStep = request.LambdaStep,
            Rounds = request.Rounds ?? sampler.Rounds,
        };
    }
}
