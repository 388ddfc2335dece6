// Mirrors AIDC-AI/TeEFusion pipelines/sd3_teefusion_pipeline.py: no CFG at inference; the guidance scale and the
// pooled difference between the prompt and the null prompt are fused into the transformer's conditioning.
using TeEFusion.Core.Sampling;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// The TeEFusion student: plain Euler with one transformer pass per step, the transformer built with
/// txt_align_guidance on. A negative prompt takes the null prompt's place in txt_align_vec = pooled(prompt) − pooled(negative).
/// </summary>
public sealed class StudentPipeline : SD3Pipeline
{
    /// <summary>The guidance of the TeEFusion README example (guidance_scale=5).</summary>
    public const double StudentDefaultGuidance = 5.0;

    private StudentPipeline(SD3Components components, PipelineOptions options) : base(components, options)
    {
        LoadWarnings = components.FolderTxtAlignGuidance
            ? []
            : ["transformer/config.json has txt_align_guidance = false: this is not a TeEFusion student, so its fused guidance term was never trained."];
    }

    public override SamplerSettings DefaultSampler { get; } = new(SamplerKind.Student);

    public override IReadOnlyList<SamplerKind> Samplers { get; } = [SamplerKind.Student];

    /// <summary>The folder's recommended guidance (<see cref="IO.ModelFolder.DefaultGuidance"/>), else <see cref="StudentDefaultGuidance"/>.</summary>
    public override double DefaultGuidance => DefaultGuidanceOf(Components.Folder);

    /// <summary>What <see cref="DefaultGuidance"/> is for a student loaded from <paramref name="folder"/>.</summary>
    public static double DefaultGuidanceOf(IO.ModelFolder folder) => folder.DefaultGuidance ?? StudentDefaultGuidance;

    public override IReadOnlyList<string> LoadWarnings { get; }

    /// <summary>Loads the diffusers folder at <paramref name="root"/> (see <see cref="SD3Components.Load"/>).</summary>
    public static StudentPipeline Load(string root, PipelineOptions? options = null)
    {
        options ??= new PipelineOptions();
        options.Validate();
        var components = SD3Components.Load(root, options.Compute, txtAlignGuidance: true, options.MaxSequenceLength,
            options.ComponentPool);
        try
        {
            return new StudentPipeline(components, options);
        }
        catch
        {
            components.Dispose();
            throw;
        }
    }

    public override IFlowMatchSampler CreateSampler(SamplerSettings settings) => settings.Kind == SamplerKind.Student
        ? new StudentEuler(Components.Transformer)
        : throw new ArgumentException($"The student pipeline runs only the 'student' sampler, not '{settings.Name}'; use TeacherPipeline.", nameof(settings));
}
