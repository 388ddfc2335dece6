// Mirrors diffusers/models/unets/unet_2d_blocks.py DownEncoderBlock2D.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

internal sealed class DownEncoderBlock2D : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock2D> resnets;
    private readonly ModuleList<Downsample2D>? downsamplers;

    public DownEncoderBlock2D(long inChannels, long outChannels, int numLayers, long groups, string actFn, bool addDownsample)
        : base(nameof(DownEncoderBlock2D))
    {
        resnets = new ModuleList<ResnetBlock2D>();
        for (var i = 0; i < numLayers; i++)
            resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, groups, actFn));
        downsamplers = addDownsample ? new ModuleList<Downsample2D>(new Downsample2D(outChannels)) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var x = hidden_states;
        foreach (var resnet in resnets) x = resnet.call(x);      // (B, Cout, H, W)
        if (downsamplers is not null) x = downsamplers[0].call(x); // (B, Cout, H/2, W/2)
        return x.MoveToOuterDisposeScope();
    }
}
