using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using TeEFusion.Core.Distillation;
using TeEFusion.Service.Endpoints;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Distillation;

/// <summary>/admin/distillations: submit, inspect, follow (SSE), draw (loss.svg), cancel and promote runs; /admin/models/restore.</summary>
public static class DistillationEndpoints
{
    public static RouteGroupBuilder MapDistillationEndpoints(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/distillations");
        group.MapPost("", Create).WithName("CreateDistillation")
            .WithSummary("Start a distillation run on the serving device (one at a time); it trains in the gaps between inference jobs.");
        group.MapGet("", List).WithName("ListDistillations").WithSummary("Every run of this process, newest first.");
        group.MapGet("/{id}", Get).WithName("GetDistillation").WithSummary("State, iteration, loss curve and ETA of a run.");
        group.MapDelete("/{id}", Cancel).WithName("CancelDistillation").WithSummary("Stop a run at its next iteration.");
        group.MapGet("/{id}/events", Events).WithName("DistillationEvents")
            .WithSummary("Server-sent events: progress per iteration, then succeeded, failed or canceled.");
        group.MapGet("/{id}/loss.svg", LossSvg).WithName("DistillationLossSvg")
            .WithSummary("The run's loss per iteration and its evaluations (latent MSE, image PSNR) as an SVG picture, while it runs and after.")
            .Produces<string>(StatusCodes.Status200OK, LossCurveSvg.ContentType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/promote", Promote).WithName("PromoteDistillation")
            .WithSummary("Serve the run's student as its student_model (version = run id): a new id is added beside the teacher, an existing " +
                         "student is replaced at the next step boundary with none of its jobs running (they finish on their weights).");
        admin.MapPost("/models/restore", Restore).WithName("RestoreModel")
            .WithSummary("Serve the version of a model (`model`, the default model when absent) that was served before its last promotion again.");
        return group;
    }

    private static async Task<Results<Ok<ModelEntry>, ProblemHttpResult>> Promote(string id, DistillationRuns runs, DistillationPromoter promoter,
        CancellationToken cancellation)
    {
        if (runs.Get(id) is not { } run) return NotFound(id);
        if (run.Snapshot().State != DistillationRunState.Succeeded)
            return TypedResults.Problem($"Run {id} has not succeeded; only a finished run's student can be served.",
                statusCode: StatusCodes.Status409Conflict, title: "The run has no final student");
        return await promoter.PromoteAsync(run, cancellation) is { } served ? TypedResults.Ok(ModelEntry.From(served.Info)) : SwapBusy();
    }

    private static async Task<Results<Ok<ModelEntry>, ProblemHttpResult>> Restore(ModelHost host, DistillationPromoter promoter,
        CancellationToken cancellation, string? model = null)
    {
        if (host.Find(model) is not { } served)
            return TypedResults.Problem(ServedModel.NotServed(model, host.Models),
                statusCode: StatusCodes.Status404NotFound, title: "Model not found");
        if (served.Previous is null)
            return TypedResults.Problem($"No earlier version of '{served.Id}' is kept; nothing was promoted over it yet.",
                statusCode: StatusCodes.Status409Conflict, title: "Nothing to restore");
        return await promoter.RestoreAsync(served, cancellation) is { } restored ? TypedResults.Ok(ModelEntry.From(restored.Info)) : SwapBusy();
    }

    private static ProblemHttpResult SwapBusy() =>
        TypedResults.Problem("Another promotion or restore is under way.", statusCode: StatusCodes.Status409Conflict, title: "Model swap in progress");

    private static Results<Accepted<DistillationRunResponse>, ValidationProblem, ProblemHttpResult> Create(DistillationRequest request,
        DistillationRequestValidator validator, DistillationRuns runs)
    {
        if (validator.Validate(request, out var errors) is not { } plan) return TypedResults.ValidationProblem(errors);
        var run = runs.TryStart(plan, out var busy);
        if (run is null)
            return TypedResults.Problem($"Run {busy!.Id} is still active; one distillation runs per device at a time.",
                statusCode: StatusCodes.Status409Conflict, title: "A distillation run is already active");
        DistillationRecovery.Record(run, request);
        var snapshot = run.Snapshot();
        return TypedResults.Accepted(snapshot.Links.Self, snapshot);
    }

    private static Ok<DistillationRunResponse[]> List(DistillationRuns runs) =>
        TypedResults.Ok(runs.All().Select(r => r.Snapshot()).ToArray());

    private static Results<Ok<DistillationRunResponse>, ProblemHttpResult> Get(string id, DistillationRuns runs) =>
        runs.Get(id) is { } run ? TypedResults.Ok(run.Snapshot()) : NotFound(id);

    private static Results<ContentHttpResult, ProblemHttpResult> LossSvg(string id, DistillationRuns runs) =>
        runs.Get(id) is { } run ? TypedResults.Text(LossCurveSvg.Write(run.Snapshot().ToLossCurve()), LossCurveSvg.ContentType) : NotFound(id);

    private static Results<Accepted<DistillationRunResponse>, ProblemHttpResult> Cancel(string id, DistillationRuns runs)
    {
        if (runs.Get(id) is not { } run) return NotFound(id);
        if (!run.RequestCancel())
            return TypedResults.Problem($"Run {id} already ended.", statusCode: StatusCodes.Status409Conflict, title: "The run is not active");
        var snapshot = run.Snapshot();
        return TypedResults.Accepted(snapshot.Links.Self, snapshot);
    }

    private static async Task<IResult> Events(string id, DistillationRuns runs, HttpContext context, IOptions<JsonOptions> json)
    {
        if (runs.Get(id) is not { } run) return NotFound(id);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var cancellation = context.RequestAborted;
        var next = 0;
        try
        {
            while (true)
            {
                var events = await run.EventsAfterAsync(next, cancellation);
                if (events.Count == 0) break;
                foreach (var e in events)
                {
                    await response.WriteAsync($"id: {e.Sequence}\nevent: {e.Type}\ndata: {JsonSerializer.Serialize(e, json.Value.SerializerOptions)}\n\n",
                        cancellation);
                    next = e.Sequence + 1;
                }
                await response.Body.FlushAsync(cancellation);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client went away; nothing is left to send.
        }
        return TypedResults.Empty;
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"No distillation run '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Run not found");
}
