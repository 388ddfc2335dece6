// Mirrors diffusers/models/activations.py get_activation.
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

internal static class Activation
{
    // The activation module for a config `act_fn` name (validated by AutoencoderKLConfig).
    public static nn.Module<Tensor, Tensor> Create(string actFn) => actFn switch
    {
        "silu" or "swish" => nn.SiLU(),
        "mish" => nn.Mish(),
        "gelu" => nn.GELU(),
        "relu" => nn.ReLU(),
        _ => throw new ArgumentException(
            $"act_fn '{actFn}' is not supported; expected one of {string.Join(", ", AutoencoderKLConfig.SupportedActivations)}.",
            nameof(actFn)),
    };
}
