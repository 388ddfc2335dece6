using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Runtime;

/// <summary>Where and in which precision the models run; both chosen at run time, not at build time.</summary>
public sealed record ComputeOptions(Device Device, ScalarType DType)
{
    public static ComputeOptions Cpu32 { get; } = new(CPU, ScalarType.Float32);

    /// <summary>Parses `cpu`/`cuda`/`cuda:N` and `float32`/`bfloat16`/`float16` (aliases fp32, bf16, fp16).</summary>
    public static ComputeOptions Parse(string device, string dtype) => new(ParseDevice(device), ParseDType(dtype));

    public static Device ParseDevice(string device)
    {
        var name = device.Trim().ToLowerInvariant();
        if (name == "cpu") return CPU;
        if (name == "cuda" || name.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new ArgumentException(
                    $"Device '{device}' was requested but CUDA is not available: build with -p:TorchBackend=cuda and run on a machine with an NVIDIA driver.",
                    nameof(device));
            return torch.device(name);
        }
        throw new ArgumentException($"Unknown device '{device}'; expected 'cpu', 'cuda' or 'cuda:N'.", nameof(device));
    }

    public static ScalarType ParseDType(string dtype) => dtype.Trim().ToLowerInvariant() switch
    {
        "float32" or "fp32" or "f32" => ScalarType.Float32,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        "float16" or "fp16" or "f16" => ScalarType.Float16,
        _ => throw new ArgumentException($"Unknown dtype '{dtype}'; expected float32, bfloat16 or float16.", nameof(dtype)),
    };

    public override string ToString() => $"{Device.type.ToString().ToLowerInvariant()}/{DType.ToString().ToLowerInvariant()}";
}
