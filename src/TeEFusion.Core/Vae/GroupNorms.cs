using TorchSharp;
using TorchSharp.Modules;

namespace TeEFusion.Core.Vae;

internal static class GroupNorms
{
    // The VAE builds every GroupNorm with this eps (diffusers resnet_eps=1e-6), not PyTorch's 1e-5.
    public const double Eps = 1e-6;

    // An affine GroupNorm initialised as PyTorch does (weight 1, bias 0). TorchSharp 0.107 leaves the affine
    // parameters uninitialised (NaN and garbage were seen), which would poison a model used before loading weights.
    public static GroupNorm Create(long groups, long channels)
    {
        var norm = torch.nn.GroupNorm(groups, channels, Eps);
        using var noGrad = torch.no_grad();
        torch.nn.init.ones_(norm.weight!);
        torch.nn.init.zeros_(norm.bias!);
        return norm;
    }
}
