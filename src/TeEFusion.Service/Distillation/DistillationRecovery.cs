using System.Text.Json;
using Microsoft.Extensions.Options;
using TeEFusion.Core.Distillation;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// Makes runs survive a restart. Each run's folder holds its plan (the request with the prompts inline); a run that ends
/// gets the folder's end marker. At start-up, the newest folder with a plan and no end marker is queued again under its
/// id, and the trainer resumes it from its last checkpoint.
/// </summary>
public sealed class DistillationRecovery(
    DistillationRuns runs,
    DistillationRequestValidator validator,
    IOptions<DistillationOptions> options,
    ILogger<DistillationRecovery> logger) : IHostedService
{
    /// <summary>Records what a new run needs to be resumed after a restart.</summary>
    public static void Record(DistillationRun run, DistillationRequest request) =>
        run.Folder.WritePlan(request with { Prompts = run.Plan.Prompts.ToList(), PromptsFile = null, EvalPrompts = run.Plan.EvalPrompts.ToList() });

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(options.Value.CheckpointDirectory);
        if (!Directory.Exists(root)) return Task.CompletedTask;
        var unfinished = Directory.EnumerateDirectories(root)
            .Select(d => runs.Folder(Path.GetFileName(d)))
            .Where(f => f.HasPlan && Ended(f) is null)
            .OrderByDescending(f => f.PlanWrittenAt)
            .FirstOrDefault();
        if (unfinished is null) return Task.CompletedTask;
        var id = unfinished.Name;
        try
        {
            var request = unfinished.ReadPlan<DistillationRequest>();
            if (validator.Validate(request, out var errors) is not { } plan)
                throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
            runs.Restore(id, plan, new DateTimeOffset(unfinished.PlanWrittenAt, TimeSpan.Zero));
            logger.LogInformation("Distillation run {RunId} was unfinished; it resumes from its last checkpoint", id);
        }
        // A bad folder must not stop the service: it is logged and left alone.
        catch (Exception e) when (e is JsonException or ArgumentException or IOException)
        {
            logger.LogError(e, "Distillation run {RunId} under {Folder} cannot be resumed", id, unfinished.Root);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // An unreadable end marker still says the run ended: it is never resumed blindly.
    private DistillationRunState? Ended(DistillationRunFolder folder)
    {
        try
        {
            return folder.Ended();
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            logger.LogError(e, "Distillation run {RunId}: its end marker is unreadable; it is not resumed", folder.Name);
            return DistillationRunState.Failed;
        }
    }
}
