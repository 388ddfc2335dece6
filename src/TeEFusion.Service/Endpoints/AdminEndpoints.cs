using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Distillation;
using TeEFusion.Service.Health;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Endpoints;

/// <summary>/admin routes (admin key required): status and distillation runs.</summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin").WithTags("Admin");
        group.MapGet("/status", Status)
            .WithName("AdminStatus")
            .WithSummary("The served models, the worker and the process, for operators.");
        group.MapDistillationEndpoints();
        return group;
    }

    private static Ok<AdminStatus> Status(ModelHost model, ServiceHealth health, IJobStore jobs)
    {
        using var process = Process.GetCurrentProcess();
        return TypedResults.Ok(new AdminStatus(model.Models.Select(AdminModelStatus.From).ToList(), model.SharedComponents, model.State, model.Error,
            new WorkerCheck(health.WorkerStatus, health.WorkerDetail), health.Draining, jobs.QueueDepth, process.StartTime.ToUniversalTime(),
            process.WorkingSet64));
    }
}

/// <summary>/admin/status's body.</summary>
/// <param name="Models">What is served, the default first, with the memory each model holds.</param>
/// <param name="SharedComponents">The loaded parts (tokenizers, text encoders, VAE) the models share: size, device, dtype and how
/// many models (and kept previous versions) hold each.</param>
/// <param name="ModelState">loading (any model), failed (any model, or the configuration) or ready.</param>
/// <param name="ModelError">Why the configuration or a model failed.</param>
/// <param name="Worker">The device worker's status.</param>
/// <param name="Draining">True once shutdown began.</param>
/// <param name="QueueDepth">Jobs waiting for a worker (the shared queue's for the Redis provider).</param>
/// <param name="StartedAt">When the process started (UTC).</param>
/// <param name="WorkingSetBytes">The process's resident memory.</param>
public sealed record AdminStatus(IReadOnlyList<AdminModelStatus> Models, IReadOnlyList<PooledComponent> SharedComponents, ModelHostState ModelState, string? ModelError, WorkerCheck Worker, bool Draining,
    int QueueDepth, DateTime StartedAt, long WorkingSetBytes);
