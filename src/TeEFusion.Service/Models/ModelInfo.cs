namespace TeEFusion.Service.Models;

/// <summary>What /v1/models reports about the served model.</summary>
/// <param name="Id">Model:Id, else the folder's name.</param>
/// <param name="OwnedBy">Model:OwnedBy.</param>
/// <param name="Version">Model:Version, else a fingerprint of the folder's configs; null until loaded.</param>
/// <param name="Family">The architecture family ("sd3").</param>
/// <param name="Sampler">The sampler every request runs ("teefusion-student").</param>
/// <param name="DType">float32, bfloat16 or float16.</param>
/// <param name="Device">cpu, cuda or cuda:N.</param>
/// <param name="CreatedAt">When the folder was written (model_index.json's time); null without a folder.</param>
/// <param name="LoadedAt">When loading finished; null until then.</param>
public sealed record ModelInfo(string Id, string OwnedBy, string? Version, string Family, string Sampler, string DType, string Device,
    DateTimeOffset? CreatedAt, DateTimeOffset? LoadedAt)
{
    public const string Sd3Family = "sd3";
    public const string StudentSampler = "teefusion-student";
}
