// Mirrors diffusers/models/unets/unet_2d_blocks.py UNetMidBlock2D (num_layers=1, temb=None, as Encoder/Decoder build it).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

internal sealed class UNetMidBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Attention>? attentions;
    private readonly ModuleList<ResnetBlock2D> resnets;

    public UNetMidBlock2D(long channels, long groups, string actFn, bool addAttention) : base(nameof(UNetMidBlock2D))
    {
        resnets = new ModuleList<ResnetBlock2D>(
            new ResnetBlock2D(channels, channels, groups, actFn),
            new ResnetBlock2D(channels, channels, groups, actFn));
        // Without attention diffusers stores None in the list, so no attentions.* key exists at all.
        attentions = addAttention ? new ModuleList<Attention>(new Attention(channels, groups)) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var x = resnets[0].call(hidden_states);     // (B, C, H, W)
        if (attentions is not null) x = attentions[0].call(x); // (B, C, H, W)
        x = resnets[1].call(x);                     // (B, C, H, W)
        return x.MoveToOuterDisposeScope();
    }
}
