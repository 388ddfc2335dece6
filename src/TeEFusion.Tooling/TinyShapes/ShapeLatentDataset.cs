using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>
/// The teacher's training set, encoded once: each example's scene as a scaled VAE latent (posterior mean), and each
/// distinct caption and the empty prompt through the frozen text encoders.
/// </summary>
internal sealed class ShapeLatentDataset : IDisposable
{
    private const int EncodeChunk = 256;

    private ShapeLatentDataset(Tensor latents, Tensor captionRows, DistillationPrompts text)
    {
        Latents = latents;
        CaptionRows = captionRows;
        Text = text;
    }

    /// <summary>(N, latent_channels, h, w), scaled as the denoiser sees them.</summary>
    public Tensor Latents { get; }

    /// <summary>(N) int64: each latent's row in <see cref="Text"/>.</summary>
    public Tensor CaptionRows { get; }

    /// <summary>The distinct captions in first-use order, and the empty prompt.</summary>
    public DistillationPrompts Text { get; }

    public long Count => Latents.shape[0];

    /// <summary>Encodes the examples' scenes and captions with the components' VAE and text encoders.</summary>
    public static ShapeLatentDataset Build(SD3Components components, IReadOnlyList<ShapeTrainingExample> examples)
    {
        var captions = new List<string>();
        var rowOf = new Dictionary<string, long>(StringComparer.Ordinal);
        var rows = new long[examples.Count];
        for (var i = 0; i < examples.Count; i++)
        {
            var caption = examples[i].Caption;
            if (!rowOf.TryGetValue(caption, out var row))
            {
                row = rowOf[caption] = captions.Count;
                captions.Add(caption);
            }
            rows[i] = row;
        }

        using var noGrad = no_grad();
        var chunks = new List<Tensor>();
        var scenes = examples.Select(e => e.Scene).ToList();
        for (var start = 0; start < scenes.Count; start += EncodeChunk)
        {
            using var scope = NewDisposeScope();
            var images = Shapes.ShapeRenderer.ToTensor(scenes.GetRange(start, Math.Min(EncodeChunk, scenes.Count - start))); // (b, 3, 64, 64)
            chunks.Add(components.Vae.Encode(images).MoveToOuterDisposeScope());                                            // (b, L, 16, 16)
        }
        var latents = cat(chunks, 0).DetachFromDisposeScope();                                                              // (N, L, 16, 16)
        foreach (var chunk in chunks) chunk.Dispose();
        var text = DistillationPrompts.Encode(components, captions);
        return new ShapeLatentDataset(latents, tensor(rows).DetachFromDisposeScope(), text);
    }

    public void Dispose()
    {
        Latents.Dispose();
        CaptionRows.Dispose();
        Text.Dispose();
    }
}
