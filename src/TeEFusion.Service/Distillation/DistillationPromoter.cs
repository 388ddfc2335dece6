using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// Promotion: a succeeded run's student becomes a complete diffusers folder ({run folder}/model: the served folder's
/// other components + the run's transformer/), is loaded as a <see cref="StudentPipeline"/> off the device thread,
/// and is handed to the worker to serve from its next boundary with no job running. Its version is the run id.
/// </summary>
public sealed class DistillationPromoter(ModelHost host, ModelSwaps swaps, ILogger<DistillationPromoter> logger)
{
    private readonly SemaphoreSlim _busy = new(1, 1);

    /// <summary>Serves the run's student once the worker swapped it in; null when another promotion or restore is under way.</summary>
    public async Task<ModelInfo?> PromoteAsync(DistillationRun run, CancellationToken cancellation)
    {
        var folder = await Task.Run(() => BuildFolder(run), cancellation);
        return await ServeAsync(() => StudentPipeline.Load(folder, host.LoadOptions(host.Info.Id, run.Id)), cancellation);
    }

    /// <summary>Serves the pipeline that was served before the last swap again; null when a promotion is under way.</summary>
    public Task<ModelInfo?> RestoreAsync(CancellationToken cancellation) =>
        ServeAsync(() => host.Previous ?? throw new InvalidOperationException("No previous model version is kept."), cancellation);

    private async Task<ModelInfo?> ServeAsync(Func<StudentPipeline> load, CancellationToken cancellation)
    {
        if (!await _busy.WaitAsync(0, cancellation)) return null;
        try
        {
            var pipeline = await Task.Run(load, cancellation);
            var swap = swaps.TryRequest(pipeline) ?? throw new InvalidOperationException("Another model swap is pending.");
            await swap.Done.Task.WaitAsync(cancellation);
            return host.Info;
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
        var served = host.ModelPath ?? throw new InvalidOperationException("No model is served: Model:Path is not set and no bundled model was found.");
        run.Folder.WriteModel(served);
        logger.LogInformation("Run {RunId}: wrote the promoted model folder {Folder}", run.Id, target);
        return target;
    }
}
