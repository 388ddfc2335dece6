using Microsoft.AspNetCore.Http.HttpResults;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Endpoints;

/// <summary>
/// /v1/models in the OpenAI list shape: every loaded model, with its kind (TeEFusion student or guided teacher), version,
/// samplers, request defaults, dtype and device added.
/// </summary>
public static class ModelEndpoints
{
    public static RouteGroupBuilder MapModelEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/models").WithTags("Models");
        group.MapGet("/", List)
            .WithName("ListModels")
            .WithSummary("Lists the served models (OpenAI `GET /v1/models`).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{id}", Retrieve)
            .WithName("RetrieveModel")
            .WithSummary("Describes one model by id (OpenAI `GET /v1/models/{model}`).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    // Listing a model that cannot run would invite requests that can only fail: only loaded models are listed.
    private static Results<Ok<ModelList>, ProblemHttpResult> List(ModelHost host)
    {
        var ready = host.Models.Where(m => m.State == ModelHostState.Ready).ToList();
        return ready.Count > 0 ? TypedResults.Ok(new ModelList(ready.Select(m => ModelEntry.From(m.Info)).ToList())) : Unavailable(host.State, host.Error);
    }

    private static Results<Ok<ModelEntry>, ProblemHttpResult> Retrieve(string id, ModelHost host)
    {
        if (host.Find(id) is not { } model)
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Model not found",
                detail: ServedModel.NotServed(id, host.Models));
        return model.State == ModelHostState.Ready ? TypedResults.Ok(ModelEntry.From(model.Info)) : Unavailable(model.State, model.Error);
    }

    private static ProblemHttpResult Unavailable(ModelHostState state, string? error) => state == ModelHostState.Loading
        ? TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model loading", detail: "The model is still loading; retry shortly.")
        : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model unavailable", detail: error);
}

/// <summary>OpenAI's model list: {"object": "list", "data": [...]}.</summary>
/// <param name="Data">The served models.</param>
public sealed record ModelList(IReadOnlyList<ModelEntry> Data)
{
    /// <example>list</example>
    public string Object => "list";
}

/// <summary>One served model: OpenAI's fields, then this service's.</summary>
/// <param name="Id">The model id to pass as `model`.</param>
/// <param name="Created">Unix seconds when the model folder was written.</param>
/// <param name="OwnedBy">Model:OwnedBy.</param>
/// <param name="Version">The model's version (Model:Version or a config fingerprint).</param>
/// <param name="Family">Architecture family.</param>
/// <param name="Kind">teefusion_student (one pass per step) or guided_teacher (CFG or a reflective sampler).</param>
/// <param name="Samplers">The samplers a request may name.</param>
/// <param name="Defaults">What a request that leaves sampler, guidance_scale or steps out gets.</param>
/// <param name="Dtype">Compute dtype.</param>
/// <param name="Device">Compute device.</param>
public sealed record ModelEntry(string Id, long Created, string OwnedBy, string? Version, string Family, ModelKind? Kind,
    IReadOnlyList<string> Samplers, ModelDefaults? Defaults, string Dtype, string Device)
{
    /// <example>model</example>
    public string Object => "model";

    internal static ModelEntry From(ModelInfo info) =>
        new(info.Id, (info.CreatedAt ?? info.LoadedAt ?? DateTimeOffset.UnixEpoch).ToUnixTimeSeconds(), info.OwnedBy, info.Version, info.Family,
            info.Kind, info.Samplers, info.Defaults, info.DType, info.Device);
}
