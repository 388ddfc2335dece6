using Microsoft.AspNetCore.Http.HttpResults;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Endpoints;

/// <summary>/v1/models in the OpenAI list shape, with the served model's version, family, sampler, dtype and device added.</summary>
public static class ModelEndpoints
{
    public static RouteGroupBuilder MapModelEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/models").WithTags("Models");
        group.MapGet("/", List)
            .WithName("ListModels")
            .WithSummary("Lists the served model (OpenAI `GET /v1/models`).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{id}", Retrieve)
            .WithName("RetrieveModel")
            .WithSummary("Describes one model by id (OpenAI `GET /v1/models/{model}`).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static Results<Ok<ModelList>, ProblemHttpResult> List(ModelHost host) =>
        Unavailable(host) is { } problem ? problem : TypedResults.Ok(new ModelList([ModelEntry.From(host.Info)]));

    private static Results<Ok<ModelEntry>, ProblemHttpResult> Retrieve(string id, ModelHost host)
    {
        if (Unavailable(host) is { } problem) return problem;
        var info = host.Info;
        return string.Equals(id, info.Id, StringComparison.Ordinal)
            ? TypedResults.Ok(ModelEntry.From(info))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Model not found",
                detail: $"This service serves '{info.Id}', not '{id}'.");
    }

    // Listing a model that cannot run would invite requests that can only fail.
    private static ProblemHttpResult? Unavailable(ModelHost host) => host.State switch
    {
        ModelHostState.Ready => null,
        ModelHostState.Loading => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model loading",
            detail: "The model is still loading; retry shortly."),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model unavailable", detail: host.Error),
    };
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
/// <param name="Sampler">The sampler every request runs.</param>
/// <param name="Dtype">Compute dtype.</param>
/// <param name="Device">Compute device.</param>
public sealed record ModelEntry(string Id, long Created, string OwnedBy, string? Version, string Family, string Sampler, string Dtype, string Device)
{
    /// <example>model</example>
    public string Object => "model";

    internal static ModelEntry From(ModelInfo info) =>
        new(info.Id, (info.CreatedAt ?? info.LoadedAt ?? DateTimeOffset.UnixEpoch).ToUnixTimeSeconds(), info.OwnedBy, info.Version, info.Family,
            info.Sampler, info.DType, info.Device);
}
