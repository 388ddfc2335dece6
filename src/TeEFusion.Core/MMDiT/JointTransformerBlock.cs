// Mirrors diffusers models/attention.py: JointTransformerBlock (the MMDiT block of SD3 / SD3.5).
using TeEFusion.Core.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.MMDiT;

/// <summary>
/// One MMDiT block: image and text streams, each with its own AdaLN and MLP, sharing a joint attention.
/// With context_pre_only (the last block) the text stream only feeds the attention: its output is null.
/// With use_dual_attention (SD3.5) the image stream has a second, image-only attention (attn2).
/// Returns (encoder_hidden_states, hidden_states) in diffusers' order.
/// </summary>
public sealed class JointTransformerBlock : Module<Tensor, Tensor, Tensor, (Tensor?, Tensor)>
{
    private readonly Module norm1;
    private readonly Module norm1_context;
    private readonly Attention attn;
    private readonly Attention? attn2;
    private readonly LayerNorm norm2;
    private readonly FeedForward ff;
    private readonly LayerNorm? norm2_context;
    private readonly FeedForward? ff_context;

    public JointTransformerBlock(int dim, int num_attention_heads, int attention_head_dim, bool context_pre_only,
        string? qk_norm, bool use_dual_attention, Device? device = null, ScalarType? dtype = null) : base(nameof(JointTransformerBlock))
    {
        norm1 = use_dual_attention ? new SD35AdaLayerNormZeroX(dim, device, dtype) : new AdaLayerNormZero(dim, device, dtype);
        norm1_context = context_pre_only ? new AdaLayerNormContinuous(dim, dim, device, dtype) : new AdaLayerNormZero(dim, device, dtype);
        attn = new Attention(dim, num_attention_heads, attention_head_dim, added_kv_proj_dim: dim, context_pre_only, qk_norm,
            device: device, dtype: dtype);
        if (use_dual_attention)
            attn2 = new Attention(dim, num_attention_heads, attention_head_dim, added_kv_proj_dim: null, context_pre_only: false, qk_norm,
                device: device, dtype: dtype);
        norm2 = LayerNorm(dim, eps: 1e-6, elementwise_affine: false, device: device, dtype: dtype);
        ff = new FeedForward(dim, dim, device: device, dtype: dtype);
        if (!context_pre_only)
        {
            norm2_context = LayerNorm(dim, eps: 1e-6, elementwise_affine: false, device: device, dtype: dtype);
            ff_context = new FeedForward(dim, dim, device: device, dtype: dtype);
        }
        RegisterComponents();
    }

    public override (Tensor?, Tensor) forward(Tensor hidden_states, Tensor encoder_hidden_states, Tensor temb)
    {
        using var scope = NewDisposeScope();
        Tensor norm_hidden_states, gate_msa, shift_mlp, scale_mlp, gate_mlp;
        Tensor? norm_hidden_states2 = null, gate_msa2 = null;
        if (norm1 is SD35AdaLayerNormZeroX dual)
            (norm_hidden_states, gate_msa, shift_mlp, scale_mlp, gate_mlp, norm_hidden_states2, gate_msa2) = dual.call(hidden_states, temb);
        else
            (norm_hidden_states, gate_msa, shift_mlp, scale_mlp, gate_mlp) = ((AdaLayerNormZero)norm1).call(hidden_states, temb);

        Tensor norm_context;
        Tensor? c_gate_msa = null, c_shift_mlp = null, c_scale_mlp = null, c_gate_mlp = null;
        if (norm1_context is AdaLayerNormContinuous continuous)
            norm_context = continuous.call(encoder_hidden_states, temb); // (B, T, D)
        else
            (norm_context, c_gate_msa, c_shift_mlp, c_scale_mlp, c_gate_mlp) = ((AdaLayerNormZero)norm1_context).call(encoder_hidden_states, temb);

        var (attn_output, context_attn_output) = attn.call(norm_hidden_states, norm_context); // (B, N, D), (B, T, D)
        hidden_states = GatedResidual(hidden_states, gate_msa, attn_output);                 // (B, N, D)
        if (attn2 is not null)
        {
            var (attn_output2, _) = attn2.call(norm_hidden_states2!, null);                  // (B, N, D)
            hidden_states = GatedResidual(hidden_states, gate_msa2!, attn_output2);          // (B, N, D)
        }
        hidden_states = GatedFeedForward(ff, norm2, hidden_states, shift_mlp, scale_mlp, gate_mlp); // (B, N, D)

        Tensor? context = null;
        if (ff_context is not null)
        {
            context = GatedResidual(encoder_hidden_states, c_gate_msa!, context_attn_output!); // (B, T, D)
            context = GatedFeedForward(ff_context, norm2_context!, context, c_shift_mlp!, c_scale_mlp!, c_gate_mlp!); // (B, T, D)
        }
        return (context?.MoveToOuterDisposeScope(), hidden_states.MoveToOuterDisposeScope());
    }

    // x + gate·MLP(modulated norm(x)); shift, scale and gate are (B, 1, D).
    private static Tensor GatedFeedForward(FeedForward mlp, LayerNorm norm, Tensor x, Tensor shift, Tensor scale, Tensor gate) =>
        GatedResidual(x, gate, mlp.call(Modulation.Apply(norm.call(x), shift, scale))); // (B, T, D)

    // residual + gate·update, where update is this block's temporary (written in place at inference).
    private static Tensor GatedResidual(Tensor residual, Tensor gate, Tensor update) =>
        Temporaries.Add(Temporaries.Multiply(update, gate), residual); // (B, T, D)
}
