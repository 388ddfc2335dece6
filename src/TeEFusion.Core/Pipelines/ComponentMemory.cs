using static TorchSharp.torch;

namespace TeEFusion.Core.Pipelines;

/// <summary>What one loaded part of a model (transformer, a text encoder, the VAE) holds in device memory.</summary>
/// <param name="Component">The sub-folder it was loaded from: transformer, text_encoder, text_encoder_2, text_encoder_3 or vae.</param>
/// <param name="Fingerprint">Lowercase hex SHA-256 of the sub-folder's files: equal fingerprints are equal weights.</param>
/// <param name="Bytes">Parameters and buffers: Σ numel × element size (a tensor shared by two names counted once).</param>
/// <param name="Shared">True when the part came from an <see cref="SD3ComponentPool"/>, so other models may hold the same copy.</param>
public sealed record ComponentMemory(string Component, string Fingerprint, long Bytes, bool Shared)
{
    /// <summary>The bytes of <paramref name="module"/>'s parameters and buffers.</summary>
    internal static long BytesOf(nn.Module module) => module.parameters().Cast<Tensor>().Concat(module.buffers())
        // Tied weights (T5's shared and embed_tokens, one module registered twice) are listed under both names.
        .DistinctBy(tensor => tensor.Handle)
        .Sum(tensor => tensor.numel() * tensor.element_size());
}
