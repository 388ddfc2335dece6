// Mirrors diffusers models/normalization.py: RMSNorm (elementwise_affine=True), used by qk_norm "rms_norm".
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>Root-mean-square norm over the last dimension with a learned scale.</summary>
public sealed class RMSNorm : Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double eps;

    public RMSNorm(int dim, double eps, Device? device = null, ScalarType? dtype = null) : base(nameof(RMSNorm))
    {
        weight = new Parameter(ones(dim, dtype: dtype ?? ScalarType.Float32, device: device));
        this.eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        // The variance is taken in float32 whatever the input dtype, as diffusers does.
        var variance = hidden_states.to(ScalarType.Float32).pow(2).mean([-1L], keepdim: true); // (..., 1)
        var normed = hidden_states * rsqrt(variance + eps);                                        // (..., d), float32
        // diffusers casts down only for half-precision weights; with float32 weights the result stays float32.
        var result = weight.dtype is ScalarType.Float16 or ScalarType.BFloat16
            ? normed.to(weight.dtype) * weight
            : normed * weight;                                                                     // (..., d)
        return result.MoveToOuterDisposeScope();
    }
}
