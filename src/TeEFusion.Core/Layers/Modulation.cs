// The adaptive-LayerNorm modulation shared by diffusers' AdaLayerNorm* classes and JointTransformerBlock.
using static TorchSharp.torch;

namespace TeEFusion.Core.Layers;

internal static class Modulation
{
    /// <summary>x·(1 + scale) + shift, with per-sample (B, D) scale and shift broadcast over the tokens.</summary>
    public static Tensor Apply(Tensor x, Tensor shift, Tensor scale) =>
        x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1); // (B, T, D)
}
