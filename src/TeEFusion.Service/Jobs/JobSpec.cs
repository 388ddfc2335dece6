using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// What the worker runs: the request resolved once, when it was accepted, by the pipeline of the model it names (every
/// default filled in, every field checked), how many images it asks for and the file format they are written in. Image k
/// uses seed <c>Request.Seed + k</c>, so an n-image job gives the same images as n one-image jobs with consecutive seeds.
/// </summary>
/// <param name="Request">Image 0's resolved request; every image shares all of it but the seed.</param>
/// <param name="ImageCount">Images to generate, at least 1.</param>
/// <param name="Model">The served model's id the job runs on.</param>
public sealed record JobSpec(ResolvedGenerationRequest Request, int ImageCount, string Model)
{
    /// <summary>
    /// The format (and lossy quality) every image of the job is encoded in; stores keep it with the spec, so each serves
    /// an image with its own Content-Type. PNG for a spec stored before formats existed.
    /// </summary>
    public ImageOutput Output { get; init; } = ImageOutput.Png;

    /// <summary>
    /// Previews per image (0–3) the worker draws at evenly spaced steps (see <see cref="TeEFusion.Core.Sampling.PreviewSteps"/>):
    /// partial_image events on the job's event stream, and OpenAI's partial images when the request streams.
    /// </summary>
    public int PartialImages { get; init; }

    /// <summary>Where the job's events are delivered; null for none.</summary>
    public JobWebhook? Webhook { get; init; }

    /// <summary>The image, mask and strength of an edit (POST /v1/images/edits, or multipart /v1/jobs); null for a generation.</summary>
    public JobEdit? Edit { get; init; }

    /// <summary>Steps the worker runs: all of them, or the share an edit's strength leaves (see StrengthSchedule).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int RunSteps => Edit?.RunSteps(Request.Steps) ?? Request.Steps;

    /// <summary>The resolved request of image <paramref name="index"/>.</summary>
    public ResolvedGenerationRequest Image(int index) => Request with { Seed = Request.Seed + index };
}
