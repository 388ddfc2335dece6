using SixLabors.ImageSharp;
using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Contracts;

/// <summary>
/// Checks an edit upload and resolves it into a job: the files' headers first (ImageSharp's Identify reads the
/// dimensions without decoding, so an image bomb is refused before any pixel is allocated), then the generation fields
/// through <see cref="ImageGenerationRequestValidator"/> with the image's size as the default size, then the strength,
/// and last a full decode of image and mask. Every bad field is reported, keyed by its form name.
/// </summary>
public static class ImageEditValidator
{
    /// <summary>Returns the job's spec (with its <see cref="JobEdit"/>), or null with <paramref name="errors"/> filled.</summary>
    public static JobSpec? Validate(ImageEditUpload upload, LimitsOptions limits, ServedModel model, out Dictionary<string, string[]> errors)
    {
        var found = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var image = Identify(upload.Image, "image", limits, found);
        var mask = upload.Mask is null ? null : Identify(upload.Mask, "mask", limits, found);
        if (image is { } i && mask is { } m && (m.Width != i.Width || m.Height != i.Height))
            found["mask"] = [$"The mask is {m.Width}x{m.Height} but the image is {i.Width}x{i.Height}; they must be the same size."];
        if (image is null)
        {
            errors = found;
            return null;
        }

        var sizeFromImage = upload.Request.Size is null or "auto";
        var request = sizeFromImage ? upload.Request with { Size = $"{image.Value.Width}x{image.Value.Height}" } : upload.Request;
        var spec = ImageGenerationRequestValidator.Validate(request, limits, model, out var fieldErrors);
        foreach (var (field, messages) in fieldErrors)
            found[sizeFromImage && field == "size" ? "image" : field] = sizeFromImage && field == "size"
                ? [.. messages.Select(message => $"The image's size is the edit's size unless 'size' is given: {message}")]
                : messages;

        var strength = upload.Strength ?? ImageEdit.DefaultStrength(upload.Mask is not null);
        if (!(strength > 0 && strength <= 1)) found["strength"] = [$"strength must be in (0, 1], got {strength}."];
        else if (spec is not null && !LeavesAStep(spec.Request.Steps, strength))
            found["strength"] = [$"strength {strength} with {spec.Request.Steps} steps leaves no step to run; raise the strength or the steps."];

        if (found.Count == 0 && spec is not null)
        {
            try
            {
                // The whole decode, once, so that a file whose header reads but whose pixels do not is a 400 and not a failed job.
                EditSource.Read(upload.Image, upload.Mask, spec.Request.Width, spec.Request.Height);
            }
            catch (ArgumentException ex)
            {
                found[ex.ParamName ?? "image"] = [ex.Message.Split(" (Parameter")[0]];
            }
        }
        errors = found;
        if (found.Count > 0 || spec is null) return null;
        return spec with { Edit = new JobEdit(upload.Image, upload.Mask, strength, image.Value.Width, image.Value.Height) };
    }

    private static bool LeavesAStep(int steps, double strength)
    {
        try
        {
            StrengthSchedule.StartIndex(steps, strength);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    // The header only: format and dimensions.
    private static (int Width, int Height)? Identify(byte[] file, string field, LimitsOptions limits, Dictionary<string, string[]> errors)
    {
        IImageInfo? info = null;
        SixLabors.ImageSharp.Formats.IImageFormat? format = null;
        try
        {
            info = Image.Identify(file, out format);
        }
        catch (Exception ex) when (ex is ImageFormatException or NotSupportedException)
        {
        }
        if (info is null || ImageFormats.FromImageSharp(format) is not { } known)
        {
            errors[field] = [$"The {field} is not a PNG, JPEG or WebP image ({format?.Name ?? "unrecognised data"})."];
            return null;
        }
        if (field == "mask" && known != ImageFormat.Png)
        {
            errors[field] = [$"The mask must be a PNG with an alpha channel, got {known.Name()}."];
            return null;
        }
        if ((long)info.Width * info.Height > limits.MaxPixels)
        {
            errors[field] = [$"The {field} is {info.Width}x{info.Height} ({(long)info.Width * info.Height} pixels); at most {limits.MaxPixels} are accepted (Limits:MaxPixels)."];
            return null;
        }
        return (info.Width, info.Height);
    }
}
