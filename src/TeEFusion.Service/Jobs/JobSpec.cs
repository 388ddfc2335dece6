using TeEFusion.Core.Pipelines;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// What the worker runs: the request resolved once, when it was accepted, by the pipeline of the model it names (every
/// default filled in, every field checked), and how many images it asks for. Image k uses seed
/// <c>Request.Seed + k</c>, so an n-image job gives the same images as n one-image jobs with consecutive seeds.
/// </summary>
/// <param name="Request">Image 0's resolved request; every image shares all of it but the seed.</param>
/// <param name="ImageCount">Images to generate, at least 1.</param>
/// <param name="Model">The served model's id the job runs on.</param>
public sealed record JobSpec(ResolvedGenerationRequest Request, int ImageCount, string Model)
{
    /// <summary>The resolved request of image <paramref name="index"/>.</summary>
    public ResolvedGenerationRequest Image(int index) => Request with { Seed = Request.Seed + index };
}
