using Microsoft.AspNetCore.Mvc;

namespace TeEFusion.Service.Contracts;

/// <summary>
/// The multipart/form-data body of POST /v1/images/edits (OpenAI's) and of a multipart POST /v1/jobs, as OpenAPI shows it.
/// Every field of POST /v1/images/generations (n, size, response_format, output_format, output_compression, model, seed,
/// steps, guidance_scale, negative_prompt, sampler and its parameters, …) is accepted too, as a form field of the same name.
/// <see cref="ImageEditFormReader"/> reads the body; this type only describes it.
/// </summary>
public sealed class ImageEditForm
{
    /// <summary>The image to edit: PNG, JPEG or WebP, one file (OpenAI's `image[]` array form with one file is accepted too).</summary>
    [FromForm(Name = "image")]
    public required IFormFile Image { get; init; }

    /// <summary>What to draw. Required.</summary>
    /// <example>a lighthouse on a cliff at dawn, oil painting</example>
    [FromForm(Name = "prompt")]
    public required string Prompt { get; init; }

    /// <summary>A PNG of the image's size whose fully transparent pixels mark what to repaint (inpainting); none: image-to-image.</summary>
    [FromForm(Name = "mask")]
    public IFormFile? Mask { get; init; }

    /// <summary>In (0, 1]: the share of the steps that runs (diffusers' strength). 0.6 by default; 1.0 with a mask.</summary>
    /// <example>0.6</example>
    [FromForm(Name = "strength")]
    public double? Strength { get; init; }

    /// <summary>"WxH": the output's size, to which the image (and mask) are resized; "auto" (default): the image's own size.</summary>
    /// <example>auto</example>
    [FromForm(Name = "size")]
    public string? Size { get; init; }

    /// <summary>Images to make (1 by default); image k uses seed + k.</summary>
    /// <example>1</example>
    [FromForm(Name = "n")]
    public int? N { get; init; }
}
