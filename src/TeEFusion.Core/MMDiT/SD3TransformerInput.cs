// Mirrors the forward arguments of diffusers' SD3Transformer2DModel (models/transformers/transformer_sd3.py)
// plus the TeEFusion reference code's extra inputs (AIDC-AI/TeEFusion pipelines/sd3_model.py).
using static TorchSharp.torch;

namespace TeEFusion.Core.MMDiT;

/// <summary>One batched forward of the MMDiT. Every sample may carry its own timestep and guidance.</summary>
/// <param name="HiddenStates">Latents, (B, C, H, W).</param>
/// <param name="EncoderHiddenStates">Prompt sequence, (B, T, joint_attention_dim).</param>
/// <param name="PooledProjections">Pooled prompt embedding, (B, pooled_projection_dim).</param>
/// <param name="Timestep">σ·1000 per sample, (B), float.</param>
/// <param name="TxtAlignGuidance">TeEFusion: 1000·g per sample, (B), formed in the model dtype as the reference pipeline does.</param>
/// <param name="TxtAlignVec">TeEFusion: pooled(prompt) − pooled(null prompt), (B, pooled_projection_dim).</param>
/// <param name="Guidance">The reference code's `guidance` variant (a separate guidance_in embedder), (B).</param>
/// <param name="SkipLayers">Block indices to skip (diffusers' skip_layers); used by W2SD's weak model.</param>
public sealed record SD3TransformerInput(
    Tensor HiddenStates,
    Tensor EncoderHiddenStates,
    Tensor PooledProjections,
    Tensor Timestep,
    Tensor? TxtAlignGuidance = null,
    Tensor? TxtAlignVec = null,
    Tensor? Guidance = null,
    IReadOnlySet<int>? SkipLayers = null);
