using TeEFusion.Service.Models;

namespace TeEFusion.Service.Endpoints;

/// <summary>One served model in /admin/status.</summary>
/// <param name="Model">What /v1/models says of it.</param>
/// <param name="State">loading, ready or failed.</param>
/// <param name="Error">Why loading failed.</param>
/// <param name="Path">Its folder.</param>
/// <param name="PreviousVersion">The version a restore would serve again; null when none is kept.</param>
public sealed record AdminModelStatus(ModelInfo Model, ModelHostState State, string? Error, string Path, string? PreviousVersion)
{
    public static AdminModelStatus From(ServedModel model) =>
        new(model.Info, model.State, model.Error, model.Slot.FullPath, model.Previous?.ModelVersion);
}
