namespace TeEFusion.Core.Pipelines;

/// <summary>Which sampler turns noise into an image.</summary>
public enum SamplerKind
{
    /// <summary>TeEFusion student: guidance fused into the conditioning, one model pass per step.</summary>
    Student,

    /// <summary>Teacher: Euler with classifier-free guidance, two passes per step.</summary>
    EulerCfg,

    /// <summary>Teacher: Z-Sampling (zigzag reflection) with CFG.</summary>
    ZSampling,

    /// <summary>Teacher: weak-to-strong diffusion with reflection (W2SD) with CFG.</summary>
    W2sd,
}
