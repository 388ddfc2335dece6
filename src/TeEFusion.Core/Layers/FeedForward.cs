// Mirrors diffusers models/attention.py: FeedForward with activation_fn "gelu-approximate", mult 4, dropout 0.
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>The MMDiT MLP: net = [GELU(proj), Dropout, Linear], giving the keys net.0.proj and net.2.</summary>
public sealed class FeedForward : Module<Tensor, Tensor>
{
    private readonly ModuleList<Module<Tensor, Tensor>> net;

    public FeedForward(int dim, int dim_out, int mult = 4, Device? device = null, ScalarType? dtype = null)
        : base(nameof(FeedForward))
    {
        var inner_dim = dim * mult;
        net = ModuleList<Module<Tensor, Tensor>>(
            new GELU(dim, inner_dim, tanh_approximation: true, device, dtype),
            Dropout(0.0),
            Linear(inner_dim, dim_out, hasBias: true, device: device, dtype: dtype));
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        // net.1 is Dropout(0.0), the identity in training and inference alike, so it is not called.
        var hidden = net[0].call(hidden_states);          // (B, T, inner)
        return net[2].call(hidden).MoveToOuterDisposeScope(); // (B, T, D_out)
    }
}
