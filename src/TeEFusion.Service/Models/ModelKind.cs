namespace TeEFusion.Service.Models;

/// <summary>What a served folder is, read from its transformer config; it decides which samplers the model runs.</summary>
public enum ModelKind
{
    /// <summary>A TeEFusion student (txt_align_guidance on): one pass per step with guidance fused into the conditioning.</summary>
    TeefusionStudent,

    /// <summary>A plain SD3 / SD3.5 folder: classifier-free guidance (two passes per step) or a reflective sampler.</summary>
    GuidedTeacher,
}
