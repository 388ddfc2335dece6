// Mirrors diffusers models/embeddings.py: PixArtAlphaTextProjection (act_fn "silu", out_features = hidden_size).
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>The MLP F applied to the pooled text embedding: Linear, SiLU, Linear.</summary>
public sealed class PixArtAlphaTextProjection : Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly SiLU act_1;
    private readonly Linear linear_2;

    public PixArtAlphaTextProjection(int in_features, int hidden_size, Device? device = null, ScalarType? dtype = null)
        : base(nameof(PixArtAlphaTextProjection))
    {
        linear_1 = Linear(in_features, hidden_size, hasBias: true, device: device, dtype: dtype);
        act_1 = SiLU();
        linear_2 = Linear(hidden_size, hidden_size, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor caption)
    {
        using var scope = NewDisposeScope();
        var hidden = act_1.call(linear_1.call(caption)); // (B, D)
        return linear_2.call(hidden).MoveToOuterDisposeScope(); // (B, D)
    }
}
