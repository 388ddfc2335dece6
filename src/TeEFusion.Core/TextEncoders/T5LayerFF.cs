// Mirrors T5LayerFF in huggingface/transformers src/transformers/models/t5/modeling_t5.py.
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>x + DenseReluDense(layer_norm(x)); the field keeps transformers' historical name.</summary>
public sealed class T5LayerFF : nn.Module<Tensor, Tensor>
{
    private readonly T5DenseGatedActDense DenseReluDense;
    private readonly T5LayerNorm layer_norm;

    public T5LayerFF(T5Config config, Device? device = null, ScalarType? dtype = null) : base(nameof(T5LayerFF))
    {
        DenseReluDense = new T5DenseGatedActDense(config, device, dtype);
        layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var output = hidden_states + DenseReluDense.call(layer_norm.call(hidden_states)); // (B, T, D)
        return output.MoveToOuterDisposeScope();
    }
}
