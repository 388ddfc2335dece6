// Mirrors diffusers models/normalization.py: AdaLayerNormContinuous (norm_type "layer_norm", elementwise_affine=False).
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>
/// LayerNorm modulated by Linear(SiLU(cond)) split as (scale, shift): the reverse of AdaLayerNormZero's order,
/// and of the original SD3 checkpoints' order (diffusers' converter swaps the halves).
/// </summary>
public sealed class AdaLayerNormContinuous : Module<Tensor, Tensor, Tensor>
{
    private readonly SiLU silu;
    private readonly Linear linear;
    private readonly LayerNorm norm;

    public AdaLayerNormContinuous(int embedding_dim, int conditioning_embedding_dim, Device? device = null, ScalarType? dtype = null)
        : base(nameof(AdaLayerNormContinuous))
    {
        silu = SiLU();
        linear = Linear(conditioning_embedding_dim, 2 * embedding_dim, hasBias: true, device: device, dtype: dtype);
        norm = LayerNorm(embedding_dim, eps: 1e-6, elementwise_affine: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor conditioning_embedding)
    {
        using var scope = NewDisposeScope();
        var emb = linear.call(silu.call(conditioning_embedding).to(x.dtype)); // (B, 2D)
        var chunks = Modulation.Chunks(emb, 2);                               // scale, shift: 2 × (B, 1, D)
        return Modulation.Apply(norm.call(x), chunks[1], chunks[0]).MoveToOuterDisposeScope(); // (B, T, D)
    }
}
