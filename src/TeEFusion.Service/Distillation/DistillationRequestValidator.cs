using System.Text.Json;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Models;
using TeEFusion.Core.Distillation;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Distillation;

/// <summary>A checked request: the run's settings, its teacher and student models, and the prompts, resolved from the body or the prompt file.</summary>
/// <param name="RunSettings">Validated settings (latent size is the model's own, set when the run starts).</param>
/// <param name="Models">The teacher it learns from and the id its student is served under.</param>
/// <param name="Prompts">Training prompts.</param>
/// <param name="EvalPrompts">Held-out prompts.</param>
public sealed record DistillationPlan(DistillationRunSettings RunSettings, DistillationModels Models, IReadOnlyList<string> Prompts,
    IReadOnlyList<string> EvalPrompts)
{
    public DistillationSettings Settings => RunSettings.Settings;
}

/// <summary>
/// Turns a <see cref="DistillationRequest"/> into a <see cref="DistillationPlan"/> or field errors keyed by the JSON name
/// (g_min, lr, prompts_file, …). The settings' fields are <see cref="DistillationKnobs"/>, which reads and checks them
/// exactly as `teefusion distill` does; the prompts and the service's own limits are checked here.
/// </summary>
public sealed class DistillationRequestValidator(IOptions<DistillationOptions> options, ModelHost models)
{
    // The request as the API spells it, so that each knob finds its value under its JSON field.
    private static readonly JsonSerializerOptions Fields = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly DistillationOptions _options = options.Value;

    public DistillationPlan? Validate(DistillationRequest request, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var prompts = ResolvePrompts(request, errors);
        var targets = DistillationModels.Resolve(request.TeacherModel, request.StudentModel, models.Models, errors);
        if (request.Iterations > _options.MaxIterations)
            errors["iterations"] = [$"iterations must not exceed Distillation:MaxIterations ({_options.MaxIterations})."];
        if (request.EvalPrompts is { } eval && eval.Any(string.IsNullOrWhiteSpace))
            errors["eval_prompts"] = ["eval_prompts must not contain blank prompts."];
        var body = JsonSerializer.SerializeToElement(request, Fields);
        var settings = DistillationKnobs.Resolve(knob => body.TryGetProperty(knob.Field, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.Deserialize(knob.ValueType, Fields)
            : null, out var refused);
        foreach (var error in refused) errors.TryAdd(error.Knob?.Field ?? error.Parameter ?? "body", [error.Message]);
        return settings is null || targets is null || errors.Count > 0 ? null : new DistillationPlan(settings, targets, prompts!, request.EvalPrompts ?? []);
    }

    private List<string>? ResolvePrompts(DistillationRequest request, Dictionary<string, string[]> errors)
    {
        if (request.Prompts is not null && request.PromptsFile is not null)
        {
            errors["prompts"] = ["Give either prompts or prompts_file, not both."];
            return null;
        }
        List<string>? prompts;
        if (request.PromptsFile is { } file)
        {
            if (PromptFiles.Read(_options.DataDirectory, file, out var error) is not { } read)
            {
                errors["prompts_file"] = [error!];
                return null;
            }
            prompts = read;
        }
        else
        {
            prompts = request.Prompts?.Select(p => p?.Trim() ?? "").ToList();
            if (prompts is not null && prompts.Any(p => p.Length == 0))
            {
                errors["prompts"] = ["prompts must not contain blank prompts."];
                return null;
            }
        }
        var field = request.PromptsFile is null ? "prompts" : "prompts_file";
        if (prompts is null || prompts.Count == 0) errors[field] = ["At least one training prompt is needed."];
        else if (prompts.Count > _options.MaxPrompts) errors[field] = [$"At most Distillation:MaxPrompts ({_options.MaxPrompts}) prompts are allowed."];
        return prompts;
    }
}
