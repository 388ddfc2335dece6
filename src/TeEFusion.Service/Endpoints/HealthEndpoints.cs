using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TeEFusion.Service.Health;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Endpoints;

/// <summary>/health/live (the process answers) and /health/ready (every model loaded, worker running, job store reachable, not draining).</summary>
public static class HealthEndpoints
{
    public static RouteGroupBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health").DisableRateLimiting();
        group.MapGet("/live", () => TypedResults.Ok(new LivenessReport("alive")))
            .WithName("Live")
            .WithSummary("200 while the process answers.");
        group.MapGet("/ready", Ready)
            .WithName("Ready")
            .WithSummary("200 when every model is loaded, the worker runs, the job store answers and the service is not draining; 503 with the reasons otherwise.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static Results<Ok<ReadinessReport>, ProblemHttpResult> Ready(ModelHost model, ServiceHealth health, IJobStore jobs)
    {
        var state = model.State;
        var worker = health.WorkerStatus;
        var reasons = new List<string>();
        if (state == ModelHostState.Loading) reasons.Add("A model is loading.");
        if (state == ModelHostState.Failed) reasons.Add(model.Error ?? "A model failed to load.");
        if (worker != WorkerStatus.Running)
            reasons.Add($"The worker is {JsonNamingPolicy.SnakeCaseLower.ConvertName(worker.ToString())}{(health.WorkerDetail is { } d ? ": " + d : ".")}");
        if (health.Draining) reasons.Add("The service is shutting down.");
        var store = jobs.Check();
        if (store is { Available: false }) reasons.Add($"The {store.Provider} job store is unavailable: {store.Detail}");

        var report = new ReadinessReport(reasons.Count == 0 ? "ready" : "not_ready",
            model.Models.Select(m => new ModelCheck(m.State, m.Id, m.Info.Version, m.Info.Kind, m.Error)).ToList(),
            new WorkerCheck(worker, health.WorkerDetail), health.Draining, jobs.QueueDepth, store);
        if (reasons.Count == 0) return TypedResults.Ok(report);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service not ready",
            detail: string.Join(" ", reasons), extensions: new Dictionary<string, object?> { ["checks"] = report });
    }
}

/// <summary>/health/live's body.</summary>
/// <param name="Status">Always "alive".</param>
public sealed record LivenessReport(string Status);

/// <summary>/health/ready's details (the body on 200, the "checks" member of the ProblemDetails on 503).</summary>
/// <param name="Status">"ready" or "not_ready".</param>
/// <param name="Models">Each model's load state, the default first.</param>
/// <param name="Worker">The device worker's status.</param>
/// <param name="Draining">True once shutdown began.</param>
/// <param name="QueueDepth">Jobs waiting for a worker (the shared queue's for the Redis provider).</param>
/// <param name="JobStore">The shared job store's connection; null for the in-process store.</param>
public sealed record ReadinessReport(string Status, IReadOnlyList<ModelCheck> Models, WorkerCheck Worker, bool Draining, int QueueDepth,
    JobStoreCheck? JobStore = null);

/// <param name="State">loading, ready or failed.</param>
/// <param name="Id">The model id.</param>
/// <param name="Version">The model version, once loaded.</param>
/// <param name="Kind">teefusion_student or guided_teacher, once loaded.</param>
/// <param name="Error">Why loading failed.</param>
public sealed record ModelCheck(ModelHostState State, string Id, string? Version, ModelKind? Kind, string? Error);

/// <param name="Status">not_started, running, faulted, circuit_open or stopped.</param>
/// <param name="Detail">Why, when the worker says.</param>
public sealed record WorkerCheck(WorkerStatus Status, string? Detail);
