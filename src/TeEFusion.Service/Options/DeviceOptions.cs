using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>Where the model runs (section "Compute"); parsed by TeEFusion.Core.Runtime.ComputeOptions.</summary>
public sealed class DeviceOptions
{
    public const string Section = "Compute";

    /// <summary>`cpu`, `cuda` or `cuda:N`.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Device { get; set; } = "cpu";

    /// <summary>`float32`, `bfloat16` or `float16` (aliases fp32, bf16, fp16).</summary>
    [Required(AllowEmptyStrings = false)]
    public string DType { get; set; } = "float32";
}
