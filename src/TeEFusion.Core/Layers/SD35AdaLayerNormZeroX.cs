// Mirrors diffusers models/normalization.py: SD35AdaLayerNormZeroX (SD3.5 blocks with a second attention).
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>
/// AdaLayerNormZero with three more chunks for the block's second (image-only) attention, in diffusers' order
/// shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp, shift_msa2, scale_msa2, gate_msa2.
/// Returns (normed x, gate_msa, shift_mlp, scale_mlp, gate_mlp, normed x for attn2, gate_msa2), the chunks as (B, 1, D).
/// </summary>
public sealed class SD35AdaLayerNormZeroX : Module<Tensor, Tensor, (Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)>
{
    private readonly SiLU silu;
    private readonly Linear linear;
    private readonly LayerNorm norm;

    public SD35AdaLayerNormZeroX(int embedding_dim, Device? device = null, ScalarType? dtype = null) : base(nameof(SD35AdaLayerNormZeroX))
    {
        silu = SiLU();
        linear = Linear(embedding_dim, 9 * embedding_dim, hasBias: true, device: device, dtype: dtype);
        norm = LayerNorm(embedding_dim, eps: 1e-6, elementwise_affine: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override (Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor) forward(Tensor x, Tensor emb)
    {
        using var scope = NewDisposeScope();
        var c = Modulation.Chunks(linear.call(silu.call(emb)), 9); // 9 × (B, 1, D)
        // Each modulation may write into its normed input, so each gets its own (identical) norm.
        var first = Modulation.Apply(norm.call(x), c[0], c[1]);  // (B, T, D)
        var second = Modulation.Apply(norm.call(x), c[6], c[7]); // (B, T, D)
        return (first.MoveToOuterDisposeScope(), c[2].MoveToOuterDisposeScope(), c[3].MoveToOuterDisposeScope(),
            c[4].MoveToOuterDisposeScope(), c[5].MoveToOuterDisposeScope(), second.MoveToOuterDisposeScope(),
            c[8].MoveToOuterDisposeScope());
    }
}
