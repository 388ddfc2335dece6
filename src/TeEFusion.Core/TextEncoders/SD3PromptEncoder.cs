// Mirrors encode_prompt / _get_clip_prompt_embeds / _get_t5_prompt_embeds of diffusers
// src/diffusers/pipelines/stable_diffusion_3/pipeline_stable_diffusion_3.py (one prompt per row, no clip_skip).
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>
/// Turns the three tokenised prompts into SD3's conditioning: the joint sequence (CLIP-L ⊕ bigG penultimate states,
/// zero-padded to joint_attention_dim, followed by the T5 states) and the pooled vector (CLIP-L ⊕ bigG text_embeds).
/// </summary>
public sealed class SD3PromptEncoder
{
    private readonly CLIPTextModelWithProjection _clipL;
    private readonly CLIPTextModelWithProjection _clipG;
    private readonly T5EncoderModel? _t5;
    private readonly int _jointAttentionDim;

    /// <param name="clipL">text_encoder.</param>
    /// <param name="clipG">text_encoder_2.</param>
    /// <param name="t5">text_encoder_3, or null to run without T5 (zeros take its place, as in diffusers).</param>
    /// <param name="jointAttentionDim">The transformer's joint_attention_dim (4096 for SD3).</param>
    /// <param name="pooledProjectionDim">The transformer's pooled_projection_dim (2048 for SD3).</param>
    /// <exception cref="ArgumentException">The encoders' widths do not fit the transformer's.</exception>
    public SD3PromptEncoder(
        CLIPTextModelWithProjection clipL, CLIPTextModelWithProjection clipG, T5EncoderModel? t5, int jointAttentionDim, int pooledProjectionDim)
    {
        var (l, g) = (clipL.Config, clipG.Config);
        if (l.HiddenSize + g.HiddenSize > jointAttentionDim)
            throw new ArgumentException(
                $"CLIP hidden sizes {l.HiddenSize} + {g.HiddenSize} exceed the transformer's joint_attention_dim {jointAttentionDim}.",
                nameof(jointAttentionDim));
        if (l.ProjectionDim + g.ProjectionDim != pooledProjectionDim)
            throw new ArgumentException(
                $"CLIP projection_dim {l.ProjectionDim} + {g.ProjectionDim} does not equal the transformer's pooled_projection_dim {pooledProjectionDim}.",
                nameof(pooledProjectionDim));
        if (t5 is not null && t5.Config.DModel != jointAttentionDim)
            throw new ArgumentException(
                $"T5 d_model {t5.Config.DModel} does not equal the transformer's joint_attention_dim {jointAttentionDim}.", nameof(jointAttentionDim));
        (_clipL, _clipG, _t5, _jointAttentionDim) = (clipL, clipG, t5, jointAttentionDim);
    }

    /// <summary>Encodes one batch; the outputs are in the CLIP-L encoder's dtype and device.</summary>
    public SD3PromptEmbeds Encode(SD3PromptTokens tokens)
    {
        if (tokens.ClipLInputIds.shape[0] != tokens.ClipGInputIds.shape[0] ||
            (tokens.T5InputIds is { } t5Ids && t5Ids.shape[0] != tokens.ClipLInputIds.shape[0]))
            throw new ArgumentException("The three token tensors must have the same batch size.", nameof(tokens));
        if (_t5 is not null && tokens.T5InputIds is null)
            throw new ArgumentException("A T5 encoder is loaded but no T5 token ids were given.", nameof(tokens));
        using var scope = NewDisposeScope();
        var l = _clipL.call(tokens.ClipLInputIds);
        var g = _clipG.call(tokens.ClipGInputIds);
        var penultimateG = g.PenultimateHiddenState.to(l.PenultimateHiddenState.dtype, l.PenultimateHiddenState.device); // (B, 77, Dg)
        var clip = cat([l.PenultimateHiddenState, penultimateG], -1); // (B, 77, Dl + Dg)
        clip = nn.functional.pad(clip, [0, _jointAttentionDim - clip.shape[2]]); // (B, 77, J)
        var t5 = _t5 is null
            ? zeros(clip.shape[0], clip.shape[1], _jointAttentionDim, dtype: clip.dtype, device: clip.device) // (B, 77, J)
            : _t5.call(tokens.T5InputIds!).to(clip.dtype, clip.device); // (B, 256, J)
        var prompt_embeds = cat([clip, t5], -2); // (B, 77 + 256, J)
        var pooled = cat([l.TextEmbeds, g.TextEmbeds.to(l.TextEmbeds.dtype, l.TextEmbeds.device)], -1); // (B, Pl + Pg)
        return new SD3PromptEmbeds(prompt_embeds.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }
}

/// <param name="ClipLInputIds">tokenizer ids, (B, 77), padded with `&lt;|endoftext|&gt;`.</param>
/// <param name="ClipGInputIds">tokenizer_2 ids, (B, 77), padded with "!" (id 0).</param>
/// <param name="T5InputIds">tokenizer_3 ids, (B, 256); ignored when no T5 encoder is loaded.</param>
public sealed record SD3PromptTokens(Tensor ClipLInputIds, Tensor ClipGInputIds, Tensor? T5InputIds);

/// <param name="PromptEmbeds">(B, 77 + T5 tokens, joint_attention_dim); 77 + 77 rows without T5.</param>
/// <param name="PooledPromptEmbeds">(B, pooled_projection_dim).</param>
public sealed record SD3PromptEmbeds(Tensor PromptEmbeds, Tensor PooledPromptEmbeds);
