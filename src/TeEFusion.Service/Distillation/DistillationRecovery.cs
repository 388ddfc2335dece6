using System.Text.Json;
using Microsoft.Extensions.Options;
using TeEFusion.Core.Distillation;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Distillation;

/// <summary>
/// Makes runs survive a restart. Each run's folder holds run.json (its request with the prompts inline); a run that
/// ended without a final student gets ended.json. At start-up, the newest folder with run.json, no ended.json and no
/// final transformer/ is queued again under its id, and the trainer resumes it from its last checkpoint.
/// </summary>
public sealed class DistillationRecovery(
    DistillationRuns runs,
    DistillationRequestValidator validator,
    IOptions<DistillationOptions> options,
    ILogger<DistillationRecovery> logger) : IHostedService
{
    public const string RunFile = "run.json";
    public const string EndedFile = "ended.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Records what a new run needs to be resumed after a restart.</summary>
    public static void Record(DistillationRun run, DistillationRequest request)
    {
        Directory.CreateDirectory(run.Directory);
        var inline = request with { Prompts = run.Plan.Prompts.ToList(), PromptsFile = null, EvalPrompts = run.Plan.EvalPrompts.ToList() };
        File.WriteAllText(Path.Combine(run.Directory, RunFile), JsonSerializer.Serialize(inline, Json));
    }

    /// <summary>Marks a run that must not be resumed (failed or canceled).</summary>
    public static void MarkEnded(DistillationRun run, DistillationRunState state)
    {
        Directory.CreateDirectory(run.Directory);
        File.WriteAllText(Path.Combine(run.Directory, EndedFile), JsonSerializer.Serialize(new { state = state.ToString().ToLowerInvariant() }, Json));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(options.Value.CheckpointDirectory);
        if (!Directory.Exists(root)) return Task.CompletedTask;
        var unfinished = Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, RunFile)) && !File.Exists(Path.Combine(d, EndedFile))
                        && !Directory.Exists(Path.Combine(d, DistillationCheckpoint.TransformerFolder)))
            .OrderByDescending(d => File.GetLastWriteTimeUtc(Path.Combine(d, RunFile)))
            .FirstOrDefault();
        if (unfinished is null) return Task.CompletedTask;
        var id = Path.GetFileName(unfinished);
        try
        {
            var request = JsonSerializer.Deserialize<DistillationRequest>(File.ReadAllText(Path.Combine(unfinished, RunFile)), Json)
                          ?? throw new JsonException("run.json holds null.");
            if (validator.Validate(request, out var errors) is not { } plan)
                throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
            runs.Restore(id, plan, new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(unfinished, RunFile)), TimeSpan.Zero));
            logger.LogInformation("Distillation run {RunId} was unfinished; it resumes from its last checkpoint", id);
        }
        // A bad folder must not stop the service: it is logged and left alone.
        catch (Exception e) when (e is JsonException or ArgumentException or IOException)
        {
            logger.LogError(e, "Distillation run {RunId} under {Folder} cannot be resumed", id, unfinished);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
