using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Models;
using TeEFusion.Service.Options;

namespace TeEFusion.Service.Contracts;

/// <summary>
/// Checks a request against Limits and the model it names and resolves it, once: the model's defaults are filled in (steps
/// scaled by quality) and its pipeline's <see cref="SD3Pipeline.Resolve"/> turns it into the <see cref="ResolvedGenerationRequest"/>
/// which the job carries to the worker, with its file format; the worker never resolves again. Every bad field is reported
/// (keyed by its JSON name) so that one 400 answer lists them all.
/// </summary>
public static class ImageGenerationRequestValidator
{
    public const string B64Json = "b64_json";
    public const string Url = "url";

    /// <summary>OpenAI's most partial images per image.</summary>
    public const int MaxPartialImages = 3;

    /// <summary>Returns the job's resolved parameters, or null with <paramref name="errors"/> filled.</summary>
    /// <param name="request">The request.</param>
    /// <param name="limits">What one request may ask for.</param>
    /// <param name="model">The loaded model the request names.</param>
    /// <param name="errors">Every bad field, keyed by its JSON name.</param>
    public static JobSpec? Validate(ImageGenerationRequest request, LimitsOptions limits, ServedModel model,
        out Dictionary<string, string[]> errors)
    {
        var pipeline = model.Pipeline ?? throw new InvalidOperationException($"Model '{model.Id}' is not loaded.");
        var defaults = model.Defaults!;
        var found = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Error(string field, string message) => found[field] = [message];

        if (string.IsNullOrWhiteSpace(request.Prompt)) Error("prompt", "A prompt is required.");
        else if (request.Prompt.Length > limits.MaxPromptLength)
            Error("prompt", $"The prompt has {request.Prompt.Length} characters; at most {limits.MaxPromptLength} are allowed.");
        if (request.NegativePrompt?.Length > limits.MaxPromptLength)
            Error("negative_prompt", $"The negative prompt has {request.NegativePrompt.Length} characters; at most {limits.MaxPromptLength} are allowed.");

        var n = request.N ?? 1;
        if (n < 1 || n > limits.MaxImagesPerRequest) Error("n", $"n must be between 1 and {limits.MaxImagesPerRequest}, got {n}.");

        if (!QualitySteps.TryScale(request.Quality, defaults.Steps, out var qualitySteps))
            Error("quality", $"quality must be one of {string.Join(", ", QualitySteps.Names)}, got '{request.Quality}'.");
        var steps = request.Steps ?? Math.Min(qualitySteps, limits.MaxSteps);
        if (steps < 1 || steps > limits.MaxSteps) Error("steps", $"steps must be between 1 and {limits.MaxSteps}, got {steps}.");

        var guidance = request.GuidanceScale ?? defaults.Guidance;
        if (!double.IsFinite(guidance) || guidance < limits.MinGuidance || guidance > limits.MaxGuidance)
            Error("guidance_scale", $"guidance_scale must be a finite number between {limits.MinGuidance} and {limits.MaxGuidance}, got {guidance}.");

        var seed = request.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        if (seed < 0 || seed > long.MaxValue - n) Error("seed", $"seed must be a non-negative integer leaving room for n images, got {seed}.");

        var size = CheckSize(request.Size, limits, pipeline, Error);
        var sampler = SamplerRequest.Read(request, defaults, model.Info.Samplers, limits, Error);

        if (request.ResponseFormat is not (null or B64Json or Url))
            Error("response_format", $"response_format must be '{B64Json}' or '{Url}', got '{request.ResponseFormat}'.");
        var output = OutputRequest.Read(request, Error);
        var partialImages = request.PartialImages ?? 0;
        if (partialImages is < 0 or > MaxPartialImages)
            Error("partial_images", $"partial_images must be between 0 and {MaxPartialImages}, got {partialImages}.");
        if (request.Stream == true && n > 1) Error("n", $"Streaming is only supported with n=1 (as OpenAI), got n={n}.");

        errors = found;
        if (found.Count > 0) return null;
        var resolved = pipeline.Resolve(new GenerationRequest(request.Prompt!)
        {
            NegativePrompt = request.NegativePrompt ?? "",
            Seed = seed,
            Steps = steps,
            Guidance = guidance,
            Width = size.Width,
            Height = size.Height,
            Sampler = sampler,
        });
        return new JobSpec(resolved, n, model.Id) { Output = output!, PartialImages = partialImages };
    }

    private static ImageSize CheckSize(string? text, LimitsOptions limits, SD3Pipeline pipeline, Action<string, string> error)
    {
        if (text is null or "auto") return new ImageSize(pipeline.DefaultImageSize, pipeline.DefaultImageSize);
        if (!ImageSize.TryParse(text, out var size))
        {
            error("size", $"size must be 'WxH' in pixels (e.g. 512x512), got '{text}'.");
            return default;
        }
        var multiple = Math.Max(LimitsOptions.SizeMultiple, pipeline.SizeMultiple);
        if (size.Width % multiple != 0 || size.Height % multiple != 0)
            error("size", $"Width and height must be multiples of {multiple}, got {size}.");
        else if (size.Width > pipeline.MaxImageSize || size.Height > pipeline.MaxImageSize)
            error("size", $"The served model draws at most {pipeline.MaxImageSize} pixels per side, got {size}.");
        else if ((long)size.Width * size.Height > limits.MaxPixels)
            error("size", $"{size} has {(long)size.Width * size.Height} pixels; at most {limits.MaxPixels} are allowed.");
        else if (limits.AllowedSizes.Length > 0 && !limits.AllowedSizes.Any(s => ImageSize.TryParse(s, out var allowed) && allowed == size))
            error("size", $"size must be one of {string.Join(", ", limits.AllowedSizes)}, got {size}.");
        return size;
    }
}
