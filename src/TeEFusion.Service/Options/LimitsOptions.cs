using System.ComponentModel.DataAnnotations;

namespace TeEFusion.Service.Options;

/// <summary>What one request may ask for (section "Limits"); requests outside them get 400 naming the field.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Width and height must be multiples of 16 (the SD3 latent grid after patching).</summary>
    public const int SizeMultiple = 16;

    /// <summary>Characters in a prompt or negative prompt.</summary>
    [Range(1, 100_000)]
    public int MaxPromptLength { get; set; } = 2000;

    /// <summary>Images per request (OpenAI's `n`).</summary>
    [Range(1, 64)]
    public int MaxImagesPerRequest { get; set; } = 4;

    /// <summary>Denoising steps per image.</summary>
    [Range(1, 1000)]
    public int MaxSteps { get; set; } = 50;

    /// <summary>z-sampling's zag/zig rounds per step (each costs 4 passes per image and step).</summary>
    [Range(1, 16)]
    public int MaxZigzagRounds { get; set; } = 4;

    /// <summary>Smallest guidance scale accepted.</summary>
    [Range(0.0, 100.0)]
    public double MinGuidance { get; set; }

    /// <summary>Largest guidance scale accepted.</summary>
    [Range(0.0, 100.0)]
    public double MaxGuidance { get; set; } = 20.0;

    /// <summary>Largest width × height.</summary>
    [Range(SizeMultiple * SizeMultiple, 64 * 1024 * 1024)]
    public int MaxPixels { get; set; } = 1024 * 1024;

    /// <summary>If not empty, only these sizes ("WxH") are accepted.</summary>
    public string[] AllowedSizes { get; set; } = [];

    /// <summary>Largest request body; a larger one gets 413.</summary>
    [Range(1024L, 1024L * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Largest multipart/form-data body (an edit's image and mask with its fields), read into memory and never to disk; a
    /// larger one gets 413. Other bodies keep <see cref="MaxRequestBodyBytes"/>.
    /// </summary>
    [Range(1024L, 1024L * 1024 * 1024)]
    public long MaxUploadBodyBytes { get; set; } = 16 * 1024 * 1024;
}
