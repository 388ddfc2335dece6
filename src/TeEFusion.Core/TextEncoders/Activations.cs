// Mirrors the ACT2FN entries of huggingface/transformers src/transformers/activations.py used by CLIP and T5.
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>The activation functions a text-encoder config may name in `hidden_act` / `feed_forward_proj`.</summary>
public static class Activations
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> ByName = new(StringComparer.Ordinal)
    {
        // CLIP's original activation; the constant 1.702 approximates GELU with a sigmoid.
        ["quick_gelu"] = x => x * torch.sigmoid(x * 1.702),
        ["gelu"] = x => nn.functional.gelu(x),
        // Written out op by op like transformers' NewGELUActivation, so that half-precision rounding matches it.
        ["gelu_new"] = x => x * 0.5 * (torch.tanh((x + torch.pow(x, 3.0) * 0.044715) * Math.Sqrt(2.0 / Math.PI)) + 1.0),
        ["gelu_pytorch_tanh"] = x => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        ["relu"] = x => nn.functional.relu(x),
        ["silu"] = x => nn.functional.silu(x),
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static bool IsKnown(string? name) => name is not null && ByName.ContainsKey(name);

    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static Func<Tensor, Tensor> Get(string name) =>
        ByName.TryGetValue(name, out var fn)
            ? fn
            : throw new ArgumentException($"Unknown activation '{name}'; supported: {string.Join(", ", Names)}.", nameof(name));
}
