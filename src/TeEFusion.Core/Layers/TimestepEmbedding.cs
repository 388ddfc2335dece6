// Mirrors diffusers models/embeddings.py: TimestepEmbedding (act_fn "silu", no cond_proj, no post_act).
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>The MLP G applied to a sinusoidal embedding: Linear, SiLU, Linear.</summary>
public sealed class TimestepEmbedding : Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly SiLU act;
    private readonly Linear linear_2;

    public TimestepEmbedding(int in_channels, int time_embed_dim, Device? device = null, ScalarType? dtype = null)
        : base(nameof(TimestepEmbedding))
    {
        linear_1 = Linear(in_channels, time_embed_dim, hasBias: true, device: device, dtype: dtype);
        act = SiLU();
        linear_2 = Linear(time_embed_dim, time_embed_dim, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        var hidden = act.call(linear_1.call(sample)); // (B, D)
        return linear_2.call(hidden).MoveToOuterDisposeScope(); // (B, D)
    }
}
