// Mirrors diffusers' StableDiffusion3Pipeline (CFG + Euler) and the flow-matching ports of Z-Sampling and W2SD
// (TeEFusion's teachers; see Sampling/ZSamplingCfg.cs and Sampling/W2sdCfg.cs for their references).
using TeEFusion.Core.Sampling;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// The teachers: Euler + CFG, Z-Sampling + CFG and W2SD + CFG, with the transformer built with txt_align_guidance
/// off. A negative prompt replaces the null prompt in CFG's unconditional branch.
/// </summary>
public sealed class TeacherPipeline : SD3Pipeline
{
    /// <summary>diffusers' StableDiffusion3Pipeline default guidance_scale.</summary>
    public const double TeacherDefaultGuidance = 7.0;

    private TeacherPipeline(SD3Components components, PipelineOptions options) : base(components, options)
    {
        LoadWarnings = components.FolderTxtAlignGuidance
            ? ["transformer/config.json has txt_align_guidance = true: the teacher samplers run this TeEFusion student as plain SD3 with CFG."]
            : [];
    }

    public override SamplerSettings DefaultSampler { get; } = new(SamplerKind.EulerCfg);

    public override IReadOnlyList<SamplerKind> Samplers { get; } = [SamplerKind.EulerCfg, SamplerKind.ZSampling, SamplerKind.W2sd];

    /// <summary>The folder's recommended guidance (<see cref="IO.ModelFolder.DefaultGuidance"/>), else <see cref="TeacherDefaultGuidance"/>.</summary>
    public override double DefaultGuidance => Components.Folder.DefaultGuidance ?? TeacherDefaultGuidance;

    public override IReadOnlyList<string> LoadWarnings { get; }

    /// <summary>Loads the diffusers folder at <paramref name="root"/> (see <see cref="SD3Components.Load"/>).</summary>
    public static TeacherPipeline Load(string root, PipelineOptions? options = null)
    {
        options ??= new PipelineOptions();
        options.Validate();
        var components = SD3Components.Load(root, options.Compute, txtAlignGuidance: false, options.MaxSequenceLength,
            options.ComponentPool);
        try
        {
            return new TeacherPipeline(components, options);
        }
        catch
        {
            components.Dispose();
            throw;
        }
    }

    public override IFlowMatchSampler CreateSampler(SamplerSettings settings)
    {
        var model = Components.Transformer;
        return settings.Kind switch
        {
            SamplerKind.EulerCfg => new EulerCfg(model),
            SamplerKind.ZSampling => new ZSamplingCfg(model, settings.InversionGuidance, settings.LambdaStep, settings.Rounds),
            SamplerKind.W2sd => new W2sdCfg(model, settings.ResolvedW2sdPair),
            _ => throw new ArgumentException($"The teacher pipeline does not run the '{settings.Name}' sampler; use StudentPipeline.", nameof(settings)),
        };
    }
}
