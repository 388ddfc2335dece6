// Mirrors diffusers image_processor.py VaeImageProcessor.postprocess(output_type="pil"):
// denormalize ((x / 2 + 0.5).clamp(0, 1)), pt_to_numpy (.float()), numpy_to_pil ((x * 255).round().astype(uint8)).
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Imaging;

/// <summary>Turns VAE decoder output in [−1, 1] into 8-bit RGB pixels exactly as the diffusers pipeline does.</summary>
public static class DecodedImage
{
    /// <summary>
    /// Converts one image (3, H, W) to interleaved RGB bytes (H·W·3, row-major). Rounding is half-to-even, as in
    /// numpy and torch, so 127.5 becomes 128 and 64.5 becomes 64.
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not (3, H, W) or holds NaN (a decoder overflow, not an image).</exception>
    public static byte[] ToRgb24(Tensor image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.dim() != 3 || image.shape[0] != 3)
            throw new ArgumentException($"expected an image tensor of shape (3, H, W), got ({string.Join(", ", image.shape)}).", nameof(image));
        if (!image.is_floating_point())
            throw new ArgumentException($"expected a floating-point image tensor, got {image.dtype}.", nameof(image));

        using var scope = NewDisposeScope();
        var x = image.detach().cpu();                                   // (3, H, W)
        if (isnan(x).any().item<bool>())
            throw new ArgumentException("the image tensor contains NaN; the decoder overflowed (try float32 or bfloat16 for the VAE).", nameof(image));
        // Denormalise in the decoder's own dtype, as diffusers does, then widen to float32 before scaling.
        var unit = x.div(2).add(0.5).clamp(0, 1).to(ScalarType.Float32); // (3, H, W)
        var bytes = unit.mul(255).round().to(ScalarType.Byte);          // (3, H, W)
        return bytes.permute(1, 2, 0).contiguous().data<byte>().ToArray(); // (H, W, 3)
    }
}
