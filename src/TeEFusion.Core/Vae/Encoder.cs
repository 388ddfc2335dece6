// Mirrors diffusers/models/autoencoders/vae.py Encoder (double_z=True, as AutoencoderKL builds it).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

/// <summary>Image (B, in_channels, H, W) to the moments (B, 2·latent_channels, H/f, W/f): mean then log-variance.</summary>
public sealed class Encoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly ModuleList<DownEncoderBlock2D> down_blocks;
    private readonly UNetMidBlock2D mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly SiLU conv_act;
    private readonly Conv2d conv_out;

    public Encoder(AutoencoderKLConfig config) : base(nameof(Encoder))
    {
        var channels = config.BlockOutChannels;
        var groups = config.NormNumGroups;
        conv_in = nn.Conv2d(config.InChannels, channels[0], 3, padding: 1);
        down_blocks = new ModuleList<DownEncoderBlock2D>();
        for (var i = 0; i < channels.Length; i++)
        {
            var input = i == 0 ? channels[0] : channels[i - 1];
            down_blocks.Add(new DownEncoderBlock2D(input, channels[i], config.LayersPerBlock, groups, config.ActFn,
                addDownsample: i < channels.Length - 1));
        }
        mid_block = new UNetMidBlock2D(channels[^1], groups, config.ActFn, config.MidBlockAddAttention);
        conv_norm_out = GroupNorms.Create(groups, channels[^1]);
        // diffusers hard-codes SiLU here whatever act_fn says.
        conv_act = nn.SiLU();
        conv_out = nn.Conv2d(channels[^1], 2 * config.LatentChannels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        var x = conv_in.call(sample);                   // (B, C0, H, W)
        foreach (var block in down_blocks) x = block.call(x); // (B, Cn, H/f, W/f)
        x = mid_block.call(x);                          // (B, Cn, H/f, W/f)
        x = conv_act.call(conv_norm_out.call(x));       // (B, Cn, H/f, W/f)
        return conv_out.call(x).MoveToOuterDisposeScope(); // (B, 2L, H/f, W/f)
    }
}
