// Mirrors diffusers models/embeddings.py: Timesteps and get_timestep_embedding.
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TeEFusion.Core.Layers;

/// <summary>Sinusoidal embedding of a (fractional) timestep; parameter-free and always computed in float32.</summary>
public sealed class Timesteps : Module<Tensor, Tensor>
{
    private const double MaxPeriod = 10000.0;
    private readonly int num_channels;
    private readonly bool flip_sin_to_cos;
    private readonly double downscale_freq_shift;

    public Timesteps(int num_channels, bool flip_sin_to_cos, double downscale_freq_shift) : base(nameof(Timesteps))
    {
        if (num_channels <= 0 || num_channels % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(num_channels), num_channels, "Timesteps needs a positive even channel count.");
        this.num_channels = num_channels;
        this.flip_sin_to_cos = flip_sin_to_cos;
        this.downscale_freq_shift = downscale_freq_shift;
        RegisterComponents();
    }

    public override Tensor forward(Tensor timesteps)
    {
        if (timesteps.dim() != 1)
            throw new ArgumentException($"Timesteps expects a 1-D tensor of timesteps, got shape [{string.Join(", ", timesteps.shape)}].", nameof(timesteps));
        using var scope = NewDisposeScope();
        var half = num_channels / 2;
        // Same float32 operation order as diffusers, so the frequencies round identically.
        var exponent = arange(0, half, dtype: ScalarType.Float32, device: timesteps.device) * (float)-Math.Log(MaxPeriod); // (half)
        exponent = exponent / (float)(half - downscale_freq_shift);                                                      // (half)
        var freqs = exp(exponent);                                                                                       // (half)
        var args = timesteps.to(ScalarType.Float32).unsqueeze(1) * freqs.unsqueeze(0);                                   // (B, half)
        var emb = flip_sin_to_cos ? cat([cos(args), sin(args)], 1) : cat([sin(args), cos(args)], 1);                     // (B, C)
        return emb.MoveToOuterDisposeScope();
    }
}
