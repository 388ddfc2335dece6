// Mirrors diffusers models/normalization.py: AdaLayerNormZero (norm_type "layer_norm", bias=True, no class labels).
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>
/// LayerNorm modulated by six chunks of Linear(SiLU(emb)), in diffusers' order
/// shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp.
/// Returns (normed x, gate_msa, shift_mlp, scale_mlp, gate_mlp), the chunks as (B, 1, D) rather than diffusers' (B, D),
/// so that each use broadcasts over the tokens without an unsqueeze.
/// </summary>
public sealed class AdaLayerNormZero : Module<Tensor, Tensor, (Tensor, Tensor, Tensor, Tensor, Tensor)>
{
    private readonly SiLU silu;
    private readonly Linear linear;
    private readonly LayerNorm norm;

    public AdaLayerNormZero(int embedding_dim, Device? device = null, ScalarType? dtype = null) : base(nameof(AdaLayerNormZero))
    {
        silu = SiLU();
        linear = Linear(embedding_dim, 6 * embedding_dim, hasBias: true, device: device, dtype: dtype);
        norm = LayerNorm(embedding_dim, eps: 1e-6, elementwise_affine: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override (Tensor, Tensor, Tensor, Tensor, Tensor) forward(Tensor x, Tensor emb)
    {
        using var scope = NewDisposeScope();
        var chunks = Modulation.Chunks(linear.call(silu.call(emb)), 6); // 6 × (B, 1, D)
        var (shift_msa, scale_msa, gate_msa) = (chunks[0], chunks[1], chunks[2]);
        var (shift_mlp, scale_mlp, gate_mlp) = (chunks[3], chunks[4], chunks[5]);
        var normed = Modulation.Apply(norm.call(x), shift_msa, scale_msa); // (B, T, D)
        return (normed.MoveToOuterDisposeScope(), gate_msa.MoveToOuterDisposeScope(), shift_mlp.MoveToOuterDisposeScope(),
            scale_mlp.MoveToOuterDisposeScope(), gate_mlp.MoveToOuterDisposeScope());
    }
}
