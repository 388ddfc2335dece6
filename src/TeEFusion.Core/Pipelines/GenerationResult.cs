using TeEFusion.Core.Imaging;

namespace TeEFusion.Core.Pipelines;

/// <summary>The images of one generate call, with what they cost and anything the caller should know.</summary>
/// <param name="Images">One per request, in request order.</param>
/// <param name="Timings">Milliseconds per phase, for the whole batch.</param>
/// <param name="Warnings">E.g. prompts cut to the tokenizers' length, or a folder that is not a TeEFusion student.</param>
public sealed record GenerationResult(IReadOnlyList<GeneratedImage> Images, GenerationTimings Timings, IReadOnlyList<string> Warnings);

/// <summary>One image.</summary>
/// <param name="Png">The encoded file, provenance in its text chunks.</param>
/// <param name="Provenance">What was written into the PNG (the resolved request).</param>
/// <param name="ModelPasses">Transformer evaluations spent on this image (one batch row of one forward = 1).</param>
public sealed record GeneratedImage(byte[] Png, ImageProvenance Provenance, int ModelPasses);
