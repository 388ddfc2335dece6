// Mirrors diffusers/models/autoencoders/vae.py Decoder (norm_type "group", no latent_embeds).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

/// <summary>Unscaled latents (B, latent_channels, h, w) to an image (B, out_channels, h·f, w·f) in about [−1, 1].</summary>
public sealed class Decoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly UNetMidBlock2D mid_block;
    private readonly ModuleList<UpDecoderBlock2D> up_blocks;
    private readonly GroupNorm conv_norm_out;
    private readonly SiLU conv_act;
    private readonly Conv2d conv_out;

    public Decoder(AutoencoderKLConfig config) : base(nameof(Decoder))
    {
        var groups = config.NormNumGroups;
        // up_blocks.0 is the deepest block: diffusers walks block_out_channels in reverse, and each up block holds
        // one resnet more than the matching down block.
        var reversed = config.BlockOutChannels.Reverse().ToArray();
        conv_in = nn.Conv2d(config.LatentChannels, reversed[0], 3, padding: 1);
        mid_block = new UNetMidBlock2D(reversed[0], groups, config.ActFn, config.MidBlockAddAttention);
        up_blocks = new ModuleList<UpDecoderBlock2D>();
        for (var i = 0; i < reversed.Length; i++)
        {
            var input = i == 0 ? reversed[0] : reversed[i - 1];
            up_blocks.Add(new UpDecoderBlock2D(input, reversed[i], config.LayersPerBlock + 1, groups, config.ActFn,
                addUpsample: i < reversed.Length - 1));
        }
        conv_norm_out = GroupNorms.Create(groups, reversed[^1]);
        // diffusers hard-codes SiLU here whatever act_fn says.
        conv_act = nn.SiLU();
        conv_out = nn.Conv2d(reversed[^1], config.OutChannels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor sample)
    {
        using var scope = NewDisposeScope();
        var x = conv_in.call(sample);                   // (B, Cn, h, w)
        x = mid_block.call(x);                          // (B, Cn, h, w)
        foreach (var block in up_blocks) x = block.call(x); // (B, C0, h·f, w·f)
        x = conv_act.call(conv_norm_out.call(x));       // (B, C0, h·f, w·f)
        return conv_out.call(x).MoveToOuterDisposeScope(); // (B, out, h·f, w·f)
    }
}
