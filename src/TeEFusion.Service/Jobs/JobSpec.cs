namespace TeEFusion.Service.Jobs;

/// <summary>
/// A validated request with every default filled in: what the worker runs. Image k uses seed <see cref="Seed"/> + k,
/// so an n-image job gives the same images as n one-image jobs with consecutive seeds.
/// </summary>
public sealed record JobSpec(
    string Prompt,
    string NegativePrompt,
    int ImageCount,
    long Seed,
    int Steps,
    double Guidance,
    int Width,
    int Height)
{
    /// <summary>The seed of image <paramref name="index"/>.</summary>
    public long SeedOf(int index) => Seed + index;
}
