using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Contracts;

/// <summary>
/// Reads a request's `sampler` and the parameters of the reflective samplers against what the chosen model runs: a sampler
/// the model cannot run names those it can, and a parameter given for another sampler names the sampler it belongs to.
/// </summary>
internal static class SamplerRequest
{
    private static readonly (string Field, SamplerKind Sampler, Func<ImageGenerationRequest, bool> IsSet)[] Parameters =
    [
        ("inversion_guidance", SamplerKind.ZSampling, r => r.InversionGuidance is not null),
        ("lambda_step", SamplerKind.ZSampling, r => r.LambdaStep is not null),
        ("rounds", SamplerKind.ZSampling, r => r.Rounds is not null),
        ("strong_guidance", SamplerKind.W2sd, r => r.StrongGuidance is not null),
        ("weak_guidance", SamplerKind.W2sd, r => r.WeakGuidance is not null),
    ];

    /// <summary>The sampler settings, or null after reporting every bad field through <paramref name="error"/>.</summary>
    public static SamplerSettings? Read(ImageGenerationRequest request, ModelDefaults defaults, IReadOnlyList<string> runs, LimitsOptions limits,
        Action<string, string> error)
    {
        var name = request.Sampler ?? defaults.Sampler;
        if (!SamplerSettings.TryParse(name, out var settings))
        {
            error("sampler", $"Unknown sampler '{name}'; this model runs {string.Join(", ", runs)}.");
            return null;
        }
        if (!runs.Contains(settings.Name))
        {
            error("sampler", $"This model cannot run '{settings.Name}'; it runs {string.Join(", ", runs)}.");
            return null;
        }
        var stray = Parameters.Where(p => p.IsSet(request) && p.Sampler != settings.Kind).ToList();
        foreach (var (field, owner, _) in stray)
            error(field, $"{field} applies to the {SamplerSettings.NameOf(owner)} sampler only, not to '{settings.Name}'.");
        if (stray.Count > 0) return null;

        // Only the chosen sampler's own parameters are left to check.
        var valid = true;
        void Refuse(string field, string message)
        {
            error(field, message);
            valid = false;
        }
        foreach (var (field, value) in new[] { ("inversion_guidance", request.InversionGuidance), ("strong_guidance", request.StrongGuidance),
                     ("weak_guidance", request.WeakGuidance) })
        {
            if (value is { } g && !(double.IsFinite(g) && g >= limits.MinGuidance && g <= limits.MaxGuidance))
                Refuse(field, $"{field} must be a finite number between {limits.MinGuidance} and {limits.MaxGuidance}, got {g}.");
        }
        if (request.LambdaStep < 0) Refuse("lambda_step", $"lambda_step must not be negative, got {request.LambdaStep}.");
        if (request.Rounds is { } rounds && (rounds < 1 || rounds > limits.MaxZigzagRounds))
            Refuse("rounds", $"rounds must be between 1 and {limits.MaxZigzagRounds}, got {rounds}.");
        if (!valid) return null;
        return settings.Kind switch
        {
            SamplerKind.ZSampling => settings with
            {
                InversionGuidance = request.InversionGuidance ?? 0.0, LambdaStep = request.LambdaStep, Rounds = request.Rounds ?? 1,
            },
            SamplerKind.W2sd when request.StrongGuidance is not null || request.WeakGuidance is not null => settings with
            {
                W2sdPair = new W2sdPair(new W2sdModelSetting(request.StrongGuidance), new W2sdModelSetting(request.WeakGuidance ?? 1.0)),
            },
            _ => settings,
        };
    }
}
