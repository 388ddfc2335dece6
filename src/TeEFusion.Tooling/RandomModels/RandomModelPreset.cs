namespace TeEFusion.Tooling.RandomModels;

/// <summary>Sizes of random-weight model folders written by <see cref="RandomModelWriter"/>.</summary>
public enum RandomModelPreset
{
    /// <summary>For tests: every component a few kilobytes, 32×32 images, seconds on a CPU.</summary>
    Tiny,

    /// <summary>Tiny's shapes as a plain SD3 folder (txt_align_guidance off, StableDiffusion3Pipeline): a guided teacher.</summary>
    TinySd3,

    /// <summary>
    /// A plain SD3.5-style tiny folder: TinySd3 plus dual attention in the first block (SD35AdaLayerNormZeroX, attn2) and
    /// RMS q/k normalisation, as SD3.5-medium's config has them.
    /// </summary>
    TinySd35,

    /// <summary>For CPU benchmarks of the whole pipeline at 256×256; see <see cref="RandomModelSpec"/> for the shapes.</summary>
    Small,

    /// <summary>
    /// The architecture of the bundled tiny-shapes model before training: 64×64 images, a caption-word CLIP vocabulary,
    /// no T5; <c>teefusion train-tiny</c> starts from it.
    /// </summary>
    TinyShapes,

    /// <summary>SD3-medium's exact shapes for every component (≈16 GB in bfloat16), for GPU speed measurements.</summary>
    Sd3Medium,
}
