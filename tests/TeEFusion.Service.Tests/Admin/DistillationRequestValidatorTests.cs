using System.Text.Json;
using Microsoft.Extensions.Options;
using TeEFusion.Core.Distillation;
using Microsoft.Extensions.Logging.Abstractions;
using TeEFusion.Service.Distillation;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;
using TeEFusion.Tests.Shared;

namespace TeEFusion.Service.Tests.Admin;

/// <summary>The request's settings fields are the knobs `teefusion distill` offers as options, read and checked alike.</summary>
public sealed class DistillationRequestValidatorTests
{
    private static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Fact]
    public void The_request_offers_every_settings_knob_besides_its_prompts()
    {
        var fields = typeof(DistillationRequest).GetProperties().Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)).ToHashSet();
        var knobs = DistillationKnobs.All.Select(k => k.Field).ToHashSet();

        Assert.Superset(knobs, fields);
        Assert.Equal(["eval_prompts", "prompts", "prompts_file", "student_model", "teacher_model"], fields.Except(knobs).Order());
    }

    [Fact]
    public void Every_settings_field_reaches_the_plan()
    {
        Assert.Equal(DistillationKnobSamples.ByField.Keys.Order(), DistillationKnobs.All.Select(k => k.Field).Order());

        var plan = Validate(new Dictionary<string, object>(DistillationKnobSamples.ByField) { ["prompts"] = new[] { "a red fox" } }, out var errors);

        Assert.Empty(errors);
        Assert.All(DistillationKnobs.All, k => Assert.Equal(DistillationKnobSamples.ByField[k.Field], k.Read(plan!.RunSettings)));
    }

    [Theory]
    [InlineData("weight_decay", -1.0)]
    [InlineData("warmup_steps", -1)]
    [InlineData("grad_clip_norm", 0.0)]
    [InlineData("steps_per_trajectory", 99)]
    [InlineData("rounds", 0)]
    [InlineData("lambda_step", -1)]
    [InlineData("eval_interval", -1)]
    public void A_refused_value_is_an_error_of_its_field(string field, object value)
    {
        var plan = Validate(new Dictionary<string, object> { ["prompts"] = new[] { "a red fox" }, [field] = value }, out var errors);

        Assert.Null(plan);
        Assert.Equal([field], errors.Keys);
    }

    private static DistillationPlan? Validate(Dictionary<string, object> body, out Dictionary<string, string[]> errors)
    {
        var request = JsonSerializer.Deserialize<DistillationRequest>(JsonSerializer.Serialize(body, Api), Api)!;
        // The bundled student and its teacher, as a service with no model configured serves them (constructed, not loaded).
        using var models = new ModelHost(Microsoft.Extensions.Options.Options.Create(new ModelOptions()),
            Microsoft.Extensions.Options.Options.Create(new DeviceOptions()), NullLogger<ModelHost>.Instance);
        return new DistillationRequestValidator(Microsoft.Extensions.Options.Options.Create(new DistillationOptions()), models).Validate(request, out errors);
    }
}
