// Mirrors diffusers/models/upsampling.py Upsample2D (use_conv=True, nearest 2×, as UpDecoderBlock2D builds it).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

internal sealed class Upsample2D : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    public Upsample2D(long channels) : base(nameof(Upsample2D))
    {
        conv = nn.Conv2d(channels, channels, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var dtype = hidden_states.dtype;
        // diffusers upcasts bfloat16 for the nearest interpolation; the result is exact either way, so this only
        // keeps backends without a bf16 kernel working.
        var source = dtype == ScalarType.BFloat16 ? hidden_states.to(ScalarType.Float32) : hidden_states;
        var upsampled = nn.functional.interpolate(source, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)
            .to(dtype);                                                            // (B, C, 2H, 2W)
        return conv.call(upsampled).MoveToOuterDisposeScope();                    // (B, C, 2H, 2W)
    }
}
