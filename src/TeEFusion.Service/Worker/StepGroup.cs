using TeEFusion.Core.Pipelines;

namespace TeEFusion.Service.Worker;

/// <summary>
/// Jobs that can share one batched step: the same loaded pipeline (model and version), the same sampler with the same
/// parameters, and the same image size. Each row still has its own seed, step, σ, guidance and prompts.
/// </summary>
public readonly record struct StepGroup(SD3Pipeline Pipeline, SamplerSettings Sampler, int Width, int Height);
