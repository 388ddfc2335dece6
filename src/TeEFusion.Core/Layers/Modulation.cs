// The adaptive-LayerNorm modulation shared by diffusers' AdaLayerNorm* classes and JointTransformerBlock.
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Layers;

internal static class Modulation
{
    /// <summary>
    /// Splits an adaLN linear's output (B, count·D) into <paramref name="count"/> views of shape (B, 1, D): one view and
    /// one unbind, already shaped to broadcast over the tokens (diffusers chunks to (B, D) and unsqueezes each use).
    /// </summary>
    public static Tensor[] Chunks(Tensor emb, int count) => emb.view(emb.shape[0], 1, count, -1).unbind(2);

    /// <summary>
    /// x·(1 + scale) + shift, with per-sample (B, 1, D) scale and shift broadcast over the tokens. x is the caller's
    /// temporary (a norm's output), written in place at inference (<see cref="Temporaries"/>).
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor shift, Tensor scale)
    {
        // The 1 as a Scalar held to the end of the call: `1 + scale` makes one that nothing references while the native
        // add runs, and a CI run once saw the finalizer free it mid-call (libtorch: "Expected false to be true" in toFloat).
        using var one = 1.ToScalar();
        return Temporaries.Add(Temporaries.Multiply(x, scale.add(one)), shift); // (B, T, D)
    }
}
