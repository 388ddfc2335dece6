using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>A finished trajectory.</summary>
/// <param name="Latents">x at σ = 0, (B, C, H, W).</param>
/// <param name="ModelPasses">Model passes spent per sample over the whole trajectory, (B).</param>
public sealed record SamplingResult(Tensor Latents, int[] ModelPasses);
