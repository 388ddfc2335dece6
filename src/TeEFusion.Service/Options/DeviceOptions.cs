using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>Where the model runs (section "Compute"); parsed by TeEFusion.Core.Runtime.ComputeOptions.</summary>
public sealed class DeviceOptions
{
    public const string Section = "Compute";

    /// <summary>The <see cref="Device"/> of the benchmarks' <see cref="Worker.SimulatedDevice"/> (see <see cref="SimulatedDeviceOptions"/>).</summary>
    public const string Simulated = "simulated";

    /// <summary>`cpu`, `cuda` or `cuda:N`; `simulated` for benchmarks only.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Device { get; set; } = "cpu";

    /// <summary>True for the benchmarks' simulated device.</summary>
    public bool IsSimulated => string.Equals(Device.Trim(), Simulated, StringComparison.OrdinalIgnoreCase);

    /// <summary>Where the weights load: <see cref="Device"/>, or the CPU under the simulated device (which still encodes prompts with them).</summary>
    public string ModelDevice => IsSimulated ? "cpu" : Device;

    /// <summary>`float32`, `bfloat16` or `float16` (aliases fp32, bf16, fp16).</summary>
    [Required(AllowEmptyStrings = false)]
    public string DType { get; set; } = "float32";
}
