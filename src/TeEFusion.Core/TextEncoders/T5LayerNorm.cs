// Mirrors T5LayerNorm in huggingface/transformers src/transformers/models/t5/modeling_t5.py.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>RMS norm: scale only, no mean subtraction and no bias.</summary>
public sealed class T5LayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public T5LayerNorm(long hidden_size, double eps, Device? device = null, ScalarType? dtype = null) : base(nameof(T5LayerNorm))
    {
        weight = new Parameter(ones(hidden_size, dtype: dtype, device: device));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        // The mean of squares is accumulated in fp32 for half-precision inputs; the product then promotes to fp32.
        var variance = hidden_states.to(ScalarType.Float32).pow(2).mean([-1], keepdim: true); // (B, T, 1)
        var normed = hidden_states * torch.rsqrt(variance + _eps); // (B, T, D)
        if (weight.dtype is ScalarType.Float16 or ScalarType.BFloat16)
            normed = normed.to(weight.dtype); // (B, T, D)
        return (weight * normed).MoveToOuterDisposeScope(); // (B, T, D)
    }
}
