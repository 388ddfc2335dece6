using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Endpoints;

/// <summary>One served model in /admin/status.</summary>
/// <param name="Model">What /v1/models says of it.</param>
/// <param name="State">loading, ready or failed.</param>
/// <param name="Error">Why loading failed.</param>
/// <param name="Path">Its folder.</param>
/// <param name="PreviousVersion">The version a restore would serve again; null when none is kept.</param>
/// <param name="OwnBytes">Weights this model alone holds: its transformer.</param>
/// <param name="Components">Each loaded part (text encoders, transformer, VAE): its content fingerprint, size, and whether it comes
/// from the shared pool (then its bytes are counted once, under shared_components, whose leases say how many models hold it).</param>
public sealed record AdminModelStatus(ModelInfo Model, ModelHostState State, string? Error, string Path, string? PreviousVersion, long OwnBytes,
    IReadOnlyList<ComponentMemory> Components)
{
    public static AdminModelStatus From(ServedModel model)
    {
        var components = model.Pipeline?.Components.Memory ?? [];
        return new(model.Info, model.State, model.Error, model.Slot.FullPath, model.Previous?.ModelVersion,
            components.Where(c => !c.Shared).Sum(c => c.Bytes), components);
    }
}
