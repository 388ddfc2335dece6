namespace TeEFusion.Tooling.Benchmarks;

/// <summary>One generated image as the detector read it.</summary>
/// <param name="Prompt">The caption it was generated from.</param>
/// <param name="Seed">Its noise seed.</param>
/// <param name="Detected">The caption of what the detector read; null when no object stood out from the background.</param>
/// <param name="Wrong">The attributes read wrong (all five when there was no object); empty when the image matches its prompt.</param>
public sealed record ShapeBenchImage(string Prompt, long Seed, string? Detected, IReadOnlyList<string> Wrong);
