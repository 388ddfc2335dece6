// Mirrors diffusers models/activations.py: GELU (a projection followed by the GELU non-linearity).
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>Linear projection then GELU; SD3 uses the tanh approximation ("gelu-approximate").</summary>
public sealed class GELU : Module<Tensor, Tensor>
{
    private readonly Linear proj;
    private readonly bool tanh_approximation;

    public GELU(int dim_in, int dim_out, bool tanh_approximation, Device? device = null, ScalarType? dtype = null)
        : base(nameof(GELU))
    {
        proj = Linear(dim_in, dim_out, hasBias: true, device: device, dtype: dtype);
        this.tanh_approximation = tanh_approximation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var projected = proj.call(hidden_states); // (B, T, inner)
        var approximate = tanh_approximation ? TorchSharp.Modules.GELU.Approximate.tanh : TorchSharp.Modules.GELU.Approximate.none;
        return functional.gelu(projected, approximate).MoveToOuterDisposeScope(); // (B, T, inner)
    }
}
