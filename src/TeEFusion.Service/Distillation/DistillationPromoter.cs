using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// Promotion: a succeeded run's student becomes a complete diffusers folder ({run folder}/model: its teacher folder's other
/// components + the run's transformer/), is loaded as a <see cref="StudentPipeline"/> off the device thread, and is handed
/// to the worker to serve as the plan's student model (replacing that id or adding it) from its next boundary with none of
/// that model's jobs running. Its version is the run id. The teacher keeps serving throughout.
/// </summary>
public sealed class DistillationPromoter(ModelHost host, ModelSwaps swaps, ILogger<DistillationPromoter> logger)
{
    private readonly SemaphoreSlim _busy = new(1, 1);

    /// <summary>Serves the run's student once the worker swapped it in; null when another promotion or restore is under way.</summary>
    public async Task<ServedModel?> PromoteAsync(DistillationRun run, CancellationToken cancellation)
    {
        var folder = await Task.Run(() => BuildFolder(run), cancellation);
        var id = run.Plan.Models.StudentModel;
        var slot = host.Find(id)?.Slot ?? new ModelSlot(id, folder, folder);
        return await ServeAsync(slot, () =>
        {
            var pipeline = StudentPipeline.Load(folder, host.LoadOptions(id, run.Id));
            host.FitPreviews(slot, pipeline);
            return pipeline;
        }, cancellation);
    }

    /// <summary>Serves <paramref name="model"/>'s pipeline from before its last swap again; null when a promotion is under way.</summary>
    public Task<ServedModel?> RestoreAsync(ServedModel model, CancellationToken cancellation) =>
        ServeAsync(model.Slot, () => model.Previous ?? throw new InvalidOperationException($"No previous version of '{model.Id}' is kept."),
            cancellation);

    private async Task<ServedModel?> ServeAsync(ModelSlot slot, Func<SD3Pipeline> load, CancellationToken cancellation)
    {
        if (!await _busy.WaitAsync(0, cancellation)) return null;
        try
        {
            var pipeline = await Task.Run(load, cancellation);
            var swap = swaps.TryRequest(slot, pipeline) ?? throw new InvalidOperationException("Another model swap is pending.");
            await swap.Done.Task.WaitAsync(cancellation);
            return host.Find(slot.Id);
        }
        finally
        {
            _busy.Release();
        }
    }

    private string BuildFolder(DistillationRun run)
    {
        var target = run.Folder.ModelDirectory;
        if (Directory.Exists(target)) return target;
        run.Folder.WriteModel(run.Plan.Models.TeacherFolder);
        logger.LogInformation("Run {RunId}: wrote the promoted model folder {Folder}", run.Id, target);
        return target;
    }
}
