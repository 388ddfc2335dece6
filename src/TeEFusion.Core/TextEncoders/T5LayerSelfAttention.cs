// Mirrors T5LayerSelfAttention in huggingface/transformers src/transformers/models/t5/modeling_t5.py.
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>x + SelfAttention(layer_norm(x)).</summary>
public sealed class T5LayerSelfAttention : nn.Module<Tensor, Tensor?, (Tensor HiddenStates, Tensor PositionBias)>
{
    private readonly T5Attention SelfAttention;
    private readonly T5LayerNorm layer_norm;

    public T5LayerSelfAttention(T5Config config, bool has_relative_attention_bias, Device? device = null, ScalarType? dtype = null) : base(nameof(T5LayerSelfAttention))
    {
        SelfAttention = new T5Attention(config, has_relative_attention_bias, device, dtype);
        layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon, device, dtype);
        RegisterComponents();
    }

    public override (Tensor HiddenStates, Tensor PositionBias) forward(Tensor hidden_states, Tensor? position_bias)
    {
        using var scope = NewDisposeScope();
        var (attended, bias) = SelfAttention.call(layer_norm.call(hidden_states), position_bias); // (B, T, D), (1, H, T, T)
        var output = hidden_states + attended; // (B, T, D)
        return (output.MoveToOuterDisposeScope(), T5Attention.HandOn(bias, position_bias));
    }
}
