namespace TeEFusion.Service.Models;

/// <summary>What /v1/models, readiness and /admin/status report about one served model.</summary>
/// <param name="Id">The id requests name in `model`.</param>
/// <param name="OwnedBy">Model:OwnedBy.</param>
/// <param name="Version">The configured version, else a fingerprint of the folder's configs; null until loaded.</param>
/// <param name="Family">The architecture family ("sd3").</param>
/// <param name="Kind">teefusion_student or guided_teacher; null until loaded.</param>
/// <param name="Samplers">The samplers a request may name; empty until loaded.</param>
/// <param name="Defaults">What a request that leaves a field out gets; null until loaded.</param>
/// <param name="DType">float32, bfloat16 or float16.</param>
/// <param name="Device">cpu, cuda or cuda:N.</param>
/// <param name="CreatedAt">When the folder was written (model_index.json's time); null without a folder.</param>
/// <param name="LoadedAt">When loading finished; null until then.</param>
public sealed record ModelInfo(string Id, string OwnedBy, string? Version, string Family, ModelKind? Kind, IReadOnlyList<string> Samplers,
    ModelDefaults? Defaults, [property: System.Text.Json.Serialization.JsonPropertyName("dtype")] string DType, string Device, DateTimeOffset? CreatedAt, DateTimeOffset? LoadedAt)
{
    public const string Sd3Family = "sd3";
}
