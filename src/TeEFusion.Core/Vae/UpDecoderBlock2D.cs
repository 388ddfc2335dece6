// Mirrors diffusers/models/unets/unet_2d_blocks.py UpDecoderBlock2D.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

internal sealed class UpDecoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Upsample2D>? upsamplers;

    public UpDecoderBlock2D(long inChannels, long outChannels, int numLayers, long groups, string actFn, bool addUpsample)
        : base(nameof(UpDecoderBlock2D))
    {
        resnets = new ModuleList<ResnetBlock2D>();
        for (var i = 0; i < numLayers; i++)
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, groups, actFn));
        upsamplers = addUpsample ? new ModuleList<Upsample2D>(new Upsample2D(outChannels)) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var x = hidden_states;
        foreach (var resnet in resnets) x = resnet.call(x);    // (B, Cout, H, W)
        if (upsamplers is not null) x = upsamplers[0].call(x); // (B, Cout, 2H, 2W)
        return x.MoveToOuterDisposeScope();
    }
}
