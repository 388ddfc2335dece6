using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Service.Options;
using static TorchSharp.torch;

namespace TeEFusion.Service.Worker;

/// <summary>
/// A stand-in for a GPU, for benchmarks only (Compute:Device = simulated, allowed by Bench:SimulatedDevice:Enabled). It
/// replaces only the model math of the <see cref="BatchEngine"/>: a batched step sleeps t(rows) = a + b·rows, the time a
/// real GPU measured, and returns fixed (zero) latents; every prompt gets the embeddings the model gave the first one; a
/// finished job's files are one fixed PNG of about Bench:SimulatedDevice:ImageBytes. Everything around it is real
/// (tokenizing, queue, worker, batching, job store, endpoints), and the sleep blocks the worker thread without using a
/// core, as a replica waiting on its GPU does, so that many replicas fit on one machine. Owned by the worker thread.
/// </summary>
public sealed class SimulatedDevice : IDisposable
{
    private readonly SimulatedDeviceOptions _options;
    private readonly byte[] _image;
    // Per pipeline, the first prompt it encoded, outside every dispose scope until Dispose.
    private readonly Dictionary<SD3Pipeline, EncodedPrompts> _prompts = new(ReferenceEqualityComparer.Instance);

    public SimulatedDevice(SimulatedDeviceOptions options)
    {
        _options = options;
        _image = FixedPng(options.ImageBytes);
    }

    /// <summary>What one step of <paramref name="rows"/> rows takes on the simulated device.</summary>
    public TimeSpan StepTime(int rows) => TimeSpan.FromMilliseconds(_options.StepMillisecondsFixed + _options.StepMillisecondsPerRow * rows);

    /// <summary>Sleeps for the step of every row of the input (padding included) and returns zero latents, one pass per row.</summary>
    public SamplerStepResult Step(SamplerStepInput input)
    {
        var rows = (int)input.Latents.shape[0];
        Thread.Sleep(StepTime(rows));
        return new SamplerStepResult(zeros_like(input.Latents), Enumerable.Repeat(1, rows).ToArray());   // (B, C, h, w)
    }

    /// <summary>
    /// The embeddings <paramref name="pipeline"/> gave the first prompt it encoded, for any prompt: the text encoders are
    /// model math too (the first call runs them, so the shapes are the model's). They belong to the caller's dispose scope.
    /// </summary>
    public EncodedPrompts EncodePrompts(SD3Pipeline pipeline, PreparedPrompts prepared)
    {
        if (!_prompts.TryGetValue(pipeline, out var kept))
        {
            var encoded = pipeline.EncodePrompts(prepared);
            _prompts[pipeline] = kept = new EncodedPrompts(Copy(encoded.Prompt, detach: true), Copy(encoded.Negative, detach: true));
        }
        return new EncodedPrompts(Copy(kept.Prompt, detach: false), Copy(kept.Negative, detach: false));
    }

    public void Dispose()
    {
        foreach (var kept in _prompts.Values)
        {
            foreach (var embeddings in new[] { kept.Prompt, kept.Negative })
            {
                embeddings.EncoderHiddenStates.Dispose();
                embeddings.Pooled.Dispose();
            }
        }
        _prompts.Clear();
    }

    private static PromptEmbeddings Copy(PromptEmbeddings embeddings, bool detach) => detach
        ? new(embeddings.EncoderHiddenStates.clone().DetachFromDisposeScope(), embeddings.Pooled.clone().DetachFromDisposeScope())
        : new(embeddings.EncoderHiddenStates.clone(), embeddings.Pooled.clone());

    /// <summary>The fixed image, once per image of a finished job (whatever format the job asked for: it is always PNG).</summary>
    public IReadOnlyList<byte[]> Files(int images) => Enumerable.Repeat(_image, images).ToList();

    // Random pixels do not compress, so a square of them stored as PNG is about `bytes` long.
    private static byte[] FixedPng(int bytes)
    {
        var side = Math.Max(1, (int)Math.Sqrt(bytes / 3.0));
        var pixels = new byte[side * side * 3];
        new Random(0).NextBytes(pixels);
        using var image = Image.LoadPixelData<Rgb24>(pixels, side, side);
        using var file = new MemoryStream();
        image.Save(file, new PngEncoder { CompressionLevel = PngCompressionLevel.BestSpeed });
        return file.ToArray();
    }
}
