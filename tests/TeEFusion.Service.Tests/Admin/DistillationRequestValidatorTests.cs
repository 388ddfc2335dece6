using System.Text.Json;
using Microsoft.Extensions.Options;
using TeEFusion.Core.Distillation;
using TeEFusion.Service.Distillation;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Tests.Admin;

/// <summary>The request's settings fields are the knobs `teefusion distill` offers as options, read and checked alike.</summary>
public sealed class DistillationRequestValidatorTests
{
    private static readonly JsonSerializerOptions Api = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    // A valid value other than the default for every knob.
    private static readonly Dictionary<string, object> Samples = new()
    {
        ["sampler"] = "z-sampling", ["inversion_guidance"] = 0.5, ["lambda_step"] = 3, ["rounds"] = 2, ["steps"] = 12,
        ["steps_per_trajectory"] = 4, ["g_min"] = 2.5, ["g_max"] = 6.5, ["lr"] = 3e-4, ["weight_decay"] = 0.01, ["warmup_steps"] = 7,
        ["grad_clip_norm"] = 0.5, ["iterations"] = 9, ["batch_size"] = 3, ["checkpoint_interval"] = 4, ["seed"] = 11L,
        ["ema_decay"] = 0.99, ["compute_dtype"] = "bfloat16", ["activation_checkpointing"] = true, ["eval_interval"] = 5,
    };

    [Fact]
    public void The_request_offers_every_settings_knob_besides_its_prompts()
    {
        var fields = typeof(DistillationRequest).GetProperties().Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)).ToHashSet();
        var knobs = DistillationKnobs.All.Select(k => k.Field).ToHashSet();

        Assert.Superset(knobs, fields);
        Assert.Equal(["eval_prompts", "prompts", "prompts_file"], fields.Except(knobs).Order());
    }

    [Fact]
    public void Every_settings_field_reaches_the_plan()
    {
        Assert.Equal(Samples.Keys.Order(), DistillationKnobs.All.Select(k => k.Field).Order());

        var plan = Validate(new Dictionary<string, object>(Samples) { ["prompts"] = new[] { "a red fox" } }, out var errors);

        Assert.Empty(errors);
        Assert.All(DistillationKnobs.All, k => Assert.Equal(Samples[k.Field], k.Read(plan!.RunSettings)));
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
        return new DistillationRequestValidator(Microsoft.Extensions.Options.Options.Create(new DistillationOptions())).Validate(request, out errors);
    }
}
