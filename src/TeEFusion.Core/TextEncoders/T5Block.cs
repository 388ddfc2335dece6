// Mirrors T5Block in huggingface/transformers src/transformers/models/t5/modeling_t5.py (encoder: no cross-attention).
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>One encoder block: `layer.0` self-attention, `layer.1` feed-forward.</summary>
public sealed class T5Block : nn.Module<Tensor, Tensor?, (Tensor HiddenStates, Tensor PositionBias)>
{
    private readonly ModuleList<nn.Module> layer;

    public T5Block(T5Config config, bool has_relative_attention_bias, Device? device = null, ScalarType? dtype = null) : base(nameof(T5Block))
    {
        layer = nn.ModuleList<nn.Module>(new T5LayerSelfAttention(config, has_relative_attention_bias, device, dtype), new T5LayerFF(config, device, dtype));
        RegisterComponents();
    }

    public override (Tensor HiddenStates, Tensor PositionBias) forward(Tensor hidden_states, Tensor? position_bias)
    {
        using var scope = NewDisposeScope();
        var (x, bias) = ((T5LayerSelfAttention)layer[0]).call(hidden_states, position_bias); // (B, T, D), (1, H, T, T)
        x = ClampInfForHalf(x); // (B, T, D)
        x = ClampInfForHalf(((T5LayerFF)layer[1]).call(x)); // (B, T, D)
        return (x.MoveToOuterDisposeScope(), T5Attention.HandOn(bias, position_bias));
    }

    // transformers' fp16 guard: T5 activations overflow fp16, so values are clamped just inside its range, one
    // step further in when an inf already appeared. No effect in fp32 or bf16.
    private static Tensor ClampInfForHalf(Tensor x)
    {
        if (x.dtype != ScalarType.Float16) return x;
        var max = 65504.0 - (x.isinf().any().item<bool>() ? 1000.0 : 0.0);
        return x.clamp(-max, max);
    }
}
