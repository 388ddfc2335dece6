using static TorchSharp.torch;

namespace TeEFusion.Core.Sampling;

/// <summary>
/// Per-sample values (σ·1000, g) for the device. A batch whose samples share one value (every batch that
/// <see cref="SamplingRunner"/> steps) needs no tensor built in host memory: a scalar, or a tensor filled on the
/// device, is a kernel argument rather than a host-to-device copy. Only a mixed batch copies its values over.
/// </summary>
internal static class PerSampleValues
{
    /// <summary>The value every sample shares, or null when they differ.</summary>
    public static T? Shared<T>(IReadOnlyList<T> values) where T : struct, IEquatable<T>
    {
        for (var i = 1; i < values.Count; i++)
            if (!values[i].Equals(values[0])) return null;
        return values[0];
    }

    /// <summary>The values as a (B) tensor: filled on the device when shared, copied from the host otherwise.</summary>
    public static Tensor Tensor(double[] values, ScalarType dtype, Device device) =>
        Shared(values) is { } shared
            ? full(values.Length, shared, dtype: dtype, device: device)
            : tensor(values, dtype: dtype, device: device);

    /// <summary>
    /// <paramref name="value"/> rounded to <paramref name="dtype"/> and back, for a scalar operand that must round as a
    /// tensor of that dtype would: torch converts a Python-float operand to the kernel's float32 arithmetic without
    /// rounding it to a half-precision tensor's dtype first.
    /// </summary>
    public static float RoundTo(float value, ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => RoundToBFloat16(value),
        ScalarType.Float16 => (float)(Half)value,
        _ => value,
    };

    // c10::BFloat16's round-to-nearest-even: keep the upper 16 bits after adding half an ulp (ties to even).
    private static float RoundToBFloat16(float value)
    {
        if (float.IsNaN(value)) return value;
        var bits = BitConverter.SingleToUInt32Bits(value);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u);
    }
}
