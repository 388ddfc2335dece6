// Mirrors diffusers/models/downsampling.py Downsample2D (use_conv=True, padding=0, as DownEncoderBlock2D builds it).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

internal sealed class Downsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    public Downsample2D(long channels) : base(nameof(Downsample2D))
    {
        conv = nn.Conv2d(channels, channels, kernel_size: 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        // Asymmetric zero padding (right and bottom only) is what the original LDM weights were trained with.
        var padded = nn.functional.pad(hidden_states, [0, 1, 0, 1], PaddingModes.Constant, 0); // (B, C, H+1, W+1)
        return conv.call(padded).MoveToOuterDisposeScope();                                  // (B, C, H/2, W/2)
    }
}
