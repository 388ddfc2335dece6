// The encode → sample → decode flow of diffusers' StableDiffusion3Pipeline.__call__ (pipeline_stable_diffusion_3.py)
// and AIDC-AI/TeEFusion's TeEFusionSD3Pipeline, with each phase exposed so that a worker can batch jobs step by step.
using System.Diagnostics;
using TeEFusion.Core.Imaging;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// What the student and teacher pipelines share: request defaults and validation, prompt encoding (with the
/// null/negative prompts cached), initial noise, VAE decoding and PNG encoding, and the whole-request
/// <see cref="Generate(IReadOnlyList{ResolvedGenerationRequest}, Action{SamplingProgress}?, CancellationToken)"/>.
/// Synchronous and single-threaded: TorchSharp dispose scopes are thread-local, so one thread owns a pipeline.
/// </summary>
public abstract partial class SD3Pipeline : IDisposable
{
    /// <summary>diffusers' StableDiffusion3Pipeline default num_inference_steps.</summary>
    public const int DefaultSteps = 28;

    private const int PixelMultiple = 16;

    private readonly Lazy<LatentRgbProjection> _preview;

    protected SD3Pipeline(SD3Components components, PipelineOptions options)
    {
        options.Validate();
        Components = components;
        Conditioner = new PromptConditioner(components, options.NegativePromptCacheSize);
        ModelId = options.ModelId ?? Path.GetFileName(components.Folder.Root.TrimEnd(Path.DirectorySeparatorChar));
        ModelVersion = options.ModelVersion ?? components.ConfigFingerprint;
        var transformer = components.Transformer.Config;
        var latentMultiple = transformer.PatchSize * components.VaeScaleFactor;
        SizeMultiple = PixelMultiple * latentMultiple / (int)System.Numerics.BigInteger.GreatestCommonDivisor(PixelMultiple, latentMultiple);
        MaxImageSize = transformer.PosEmbedMaxSize * latentMultiple / SizeMultiple * SizeMultiple;
        DefaultImageSize = Math.Max(SizeMultiple, transformer.SampleSize * components.VaeScaleFactor / SizeMultiple * SizeMultiple);
        _preview = new(() => LatentRgbProjection.Fit(components.Vae));
    }

    public SD3Components Components { get; }

    /// <summary>Tokenizes and encodes prompts; holds the null/negative prompt cache.</summary>
    public PromptConditioner Conditioner { get; }

    /// <summary>model_id in the PNG metadata: the options' value, else the folder's name.</summary>
    public string ModelId { get; }

    /// <summary>model_version in the PNG metadata: the options' value, else <see cref="SD3Components.ConfigFingerprint"/>.</summary>
    public string ModelVersion { get; }

    /// <summary>Width and height must be multiples of this: 16, and of patch size × VAE factor.</summary>
    public int SizeMultiple { get; }

    /// <summary>Largest width or height: pos_embed_max_size · patch_size · VAE factor (rounded down to <see cref="SizeMultiple"/>).</summary>
    public int MaxImageSize { get; }

    /// <summary>Size used when a request gives none: the transformer's sample_size · VAE factor.</summary>
    public int DefaultImageSize { get; }

    /// <summary>The sampler used when a request names none.</summary>
    public abstract SamplerSettings DefaultSampler { get; }

    /// <summary>The samplers <see cref="CreateSampler"/> builds for this pipeline.</summary>
    public abstract IReadOnlyList<SamplerKind> Samplers { get; }

    /// <summary>The guidance used when a request gives none.</summary>
    public abstract double DefaultGuidance { get; }

    /// <summary>Notes about the loaded folder that every result repeats (e.g. a student run on a non-TeEFusion folder).</summary>
    public abstract IReadOnlyList<string> LoadWarnings { get; }

    /// <summary>Builds the sampler for <paramref name="settings"/>; throws <see cref="ArgumentException"/> for one this pipeline does not run.</summary>
    public abstract IFlowMatchSampler CreateSampler(SamplerSettings settings);

    /// <summary>Fills the request's unset fields with this pipeline's defaults and validates it.</summary>
    /// <exception cref="ArgumentException">A field is out of range; the message and ParamName name it.</exception>
    public ResolvedGenerationRequest Resolve(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resolved = new ResolvedGenerationRequest(request.Prompt, request.NegativePrompt,
            request.Seed ?? Random.Shared.NextInt64(0, int.MaxValue), request.Steps ?? DefaultSteps, request.Guidance ?? DefaultGuidance,
            request.Width ?? DefaultImageSize, request.Height ?? DefaultImageSize, request.Sampler ?? DefaultSampler);
        resolved.Validate(SizeMultiple, MaxImageSize);
        return resolved;
    }

    /// <summary>The tokenize phase for a batch of resolved requests.</summary>
    public PreparedPrompts Tokenize(IReadOnlyList<ResolvedGenerationRequest> requests) =>
        Conditioner.Prepare(requests.Select(r => r.Prompt).ToList(), requests.Select(r => r.NegativePrompt).ToList());

    /// <summary>The encode phase; the embeddings belong to the caller's dispose scope.</summary>
    public EncodedPrompts EncodePrompts(PreparedPrompts prepared) => Conditioner.Encode(prepared);

    /// <summary>Initial noise (B, latent_channels, H/f, W/f) in the transformer's dtype, each sample from its own seed.</summary>
    public Tensor InitialLatents(IReadOnlyList<ResolvedGenerationRequest> requests)
    {
        var (width, height) = CommonSize(requests);
        var factor = Components.VaeScaleFactor;
        return LatentNoise.Sample(requests.Select(r => r.Seed).ToList(), Components.Transformer.Config.InChannels,
            height / factor, width / factor, Components.Compute.Device, Components.Compute.DType);
    }

    /// <summary>Denoised latents to images (B, 3, H, W) in about [−1, 1], in the VAE's dtype.</summary>
    public Tensor Decode(Tensor latents)
    {
        using var noGrad = no_grad();
        return Components.Vae.Decode(latents);
    }

    /// <summary>
    /// The cheap latent-to-RGB map for previews of images on their way, fitted to this folder's VAE on first use (a server
    /// asks for it at load, so that no job waits for the fit).
    /// </summary>
    public LatentRgbProjection PreviewProjection => _preview.Value;

    /// <summary>Encodes decoded images as PNG, one provenance record per request.</summary>
    public IReadOnlyList<byte[]> EncodePng(Tensor images, IReadOnlyList<ResolvedGenerationRequest> requests) =>
        ImageFileWriter.EncodeBatch(images, requests.Select(Provenance).ToList(), ImageOutput.Png);

    /// <summary>What the PNG of a resolved request records.</summary>
    public ImageProvenance Provenance(ResolvedGenerationRequest request) => new(request.Prompt, request.NegativePrompt, request.Seed,
        request.Steps, request.Guidance, request.Sampler.Name, request.Width, request.Height, ModelId, ModelVersion);

    /// <inheritdoc cref="Generate(IReadOnlyList{ResolvedGenerationRequest}, Action{SamplingProgress}?, CancellationToken)"/>
    public GenerationResult Generate(GenerationRequest request, Action<SamplingProgress>? progress = null, CancellationToken cancellation = default) =>
        Generate([Resolve(request)], progress, cancellation);

    /// <inheritdoc cref="Generate(IReadOnlyList{ResolvedGenerationRequest}, Action{SamplingProgress}?, CancellationToken)"/>
    public GenerationResult Generate(ResolvedGenerationRequest request, Action<SamplingProgress>? progress = null,
        CancellationToken cancellation = default) =>
        Generate([request], progress, cancellation);

    /// <summary>Resolves each request (<see cref="Resolve"/>), then generates them as one batch.</summary>
    /// <exception cref="ArgumentException">A request is invalid or the requests cannot share a batch.</exception>
    public GenerationResult Generate(IReadOnlyList<GenerationRequest> requests, Action<SamplingProgress>? progress = null,
        CancellationToken cancellation = default) =>
        Generate(requests.Select(Resolve).ToList(), progress, cancellation);

    /// <summary>
    /// Generates one image per request in one batched trajectory. The requests may differ in prompt, negative prompt,
    /// seed and guidance, but must share steps, size and sampler. <paramref name="progress"/> is called after each
    /// step; <paramref name="cancellation"/> is checked between phases and steps (<see cref="OperationCanceledException"/>).
    /// Runs under no_grad in a dispose scope: no tensor outlives the call.
    /// </summary>
    /// <exception cref="ArgumentException">The requests cannot share a batch.</exception>
    public GenerationResult Generate(IReadOnlyList<ResolvedGenerationRequest> resolved, Action<SamplingProgress>? progress = null,
        CancellationToken cancellation = default) =>
        Run(resolved, edit: null, progress, cancellation);

    // Generate and Edit: the same phases, an edit starting from its image's latents on the tail of the schedule.
    private GenerationResult Run(IReadOnlyList<ResolvedGenerationRequest> resolved, ImageEdit? edit, Action<SamplingProgress>? progress,
        CancellationToken cancellation)
    {
        if (resolved.Count == 0) throw new ArgumentException("At least one request is needed.", nameof(resolved));
        var first = resolved[0];
        CommonSize(resolved);
        if (resolved.Any(r => r.Steps != first.Steps || r.Sampler != first.Sampler))
            throw new ArgumentException("Requests in one batch must share Steps and Sampler.", nameof(resolved));

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        double Lap()
        {
            if (Components.Compute.Device.type == DeviceType.CUDA) cuda.synchronize(Components.Compute.Device);
            var ms = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            return ms;
        }

        cancellation.ThrowIfCancellationRequested();
        var prepared = Tokenize(resolved);
        var tokenizeMs = Lap();
        var prompts = EncodePrompts(prepared);
        var encodeMs = Lap();
        cancellation.ThrowIfCancellationRequested();

        var schedule = Components.Scheduler.GetSchedule(first.Steps);
        var start = edit is null ? null : EditLatents.Prepare(Components, edit.Source, edit.Strength, resolved.Select(r => r.Seed).ToList(), schedule);
        var latents = start?.Initial() ?? InitialLatents(resolved);                         // (B, C, h, w)
        var sampler = CreateSampler(first.Sampler);
        var conditioning = prompts.WithGuidance(resolved.Select(r => r.Guidance).ToArray());
        var sampled = SamplingRunner.Run(sampler, start?.Schedule ?? schedule, latents, conditioning,
            start is null ? null : (step, next) => start.AfterStep(next, step), progress, cancellation);
        var denoiseMs = Lap();
        cancellation.ThrowIfCancellationRequested();

        var images = Decode(sampled.Latents);
        var decodeMs = Lap();
        var pngs = EncodePng(images, resolved);
        var pngMs = Lap();

        var generated = resolved.Select((r, i) => new GeneratedImage(pngs[i], Provenance(r), sampled.ModelPasses[i])).ToList();
        var warnings = LoadWarnings.Concat(prepared.Warnings).ToList();
        return new GenerationResult(generated, new GenerationTimings(tokenizeMs, encodeMs, denoiseMs, decodeMs, pngMs), warnings);
    }

    public void Dispose()
    {
        Conditioner.Dispose();
        if (_preview.IsValueCreated) _preview.Value.Dispose();
        Components.Dispose();
        GC.SuppressFinalize(this);
    }

    private static (int Width, int Height) CommonSize(IReadOnlyList<ResolvedGenerationRequest> requests)
    {
        if (requests.Count == 0) throw new ArgumentException("At least one request is needed.", nameof(requests));
        var (width, height) = (requests[0].Width, requests[0].Height);
        if (requests.Any(r => r.Width != width || r.Height != height))
            throw new ArgumentException("Requests in one batch must share Width and Height.", nameof(requests));
        return (width, height);
    }
}
