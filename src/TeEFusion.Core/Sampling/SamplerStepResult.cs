using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>A sampler step's output.</summary>
/// <param name="Latents">x at σ_next per sample, (B, C, H, W), in the input latents' dtype.</param>
/// <param name="ModelPasses">Model evaluations spent on each sample in this step (one row of one forward = 1), (B).</param>
public sealed record SamplerStepResult(Tensor Latents, int[] ModelPasses);
