using TeEFusion.Core.Imaging;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// What turns a generation into an edit: the image it starts from (with an optional repaint mask) and how much of the
/// schedule to run. Without a mask this is diffusers' SD3 img2img; with one, its SD3 inpainting.
/// </summary>
/// <param name="Source">The image at the output size, and its mask.</param>
/// <param name="Strength">In (0, 1]: the share of the schedule that runs (1 starts from pure noise).</param>
public sealed record ImageEdit(EditSource Source, double Strength)
{
    /// <summary>diffusers' default for both SD3 img2img and inpainting (`strength=0.6`).</summary>
    public const double ImageToImageStrength = 0.6;

    /// <summary>
    /// With a mask the repainted region starts from pure noise, as OpenAI's inpainting paints it anew; the rest of the
    /// image is kept by the per-step blend whatever the strength.
    /// </summary>
    public const double InpaintStrength = 1.0;

    /// <summary>The strength used when a request gives none.</summary>
    public static double DefaultStrength(bool hasMask) => hasMask ? InpaintStrength : ImageToImageStrength;
}
