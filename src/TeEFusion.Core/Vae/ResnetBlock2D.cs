// Mirrors diffusers/models/resnet.py ResnetBlock2D (temb_channels=None, time_embedding_norm "default", as the VAE uses it).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

internal sealed class ResnetBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly GroupNorm norm2;
    private readonly Conv2d conv2;
    private readonly nn.Module<Tensor, Tensor> nonlinearity;
    private readonly Conv2d? conv_shortcut;

    public ResnetBlock2D(long inChannels, long outChannels, long groups, string actFn) : base(nameof(ResnetBlock2D))
    {
        norm1 = GroupNorms.Create(groups, inChannels);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1);
        norm2 = GroupNorms.Create(groups, outChannels);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1);
        nonlinearity = Activation.Create(actFn);
        // diffusers adds the 1×1 shortcut exactly when the channel count changes.
        conv_shortcut = inChannels != outChannels ? nn.Conv2d(inChannels, outChannels, 1) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input_tensor)
    {
        using var scope = NewDisposeScope();
        var hidden_states = nonlinearity.call(norm1.call(input_tensor)); // (B, Cin, H, W)
        hidden_states = conv1.call(hidden_states);                       // (B, Cout, H, W)
        hidden_states = nonlinearity.call(norm2.call(hidden_states));    // (B, Cout, H, W)
        hidden_states = conv2.call(hidden_states);                       // (B, Cout, H, W)
        var shortcut = conv_shortcut is null ? input_tensor : conv_shortcut.call(input_tensor); // (B, Cout, H, W)
        // output_scale_factor is 1 in every VAE block, so the division is left out.
        return (shortcut + hidden_states).MoveToOuterDisposeScope();     // (B, Cout, H, W)
    }
}
