using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.Shapes;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>
/// The teacher's training set, encoded once: a few jittered scenes of every seen attribute combination as scaled VAE
/// latents (posterior means), and every seen caption and the empty prompt through the frozen text encoders.
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

    /// <summary>The combinations' captions in order, and the empty prompt.</summary>
    public DistillationPrompts Text { get; }

    public long Count => Latents.shape[0];

    /// <summary>Encodes <paramref name="scenesPerCombination"/> scenes of each combination with the components' VAE and encoders.</summary>
    public static ShapeLatentDataset Build(SD3Components components, IReadOnlyList<ShapeAttributes> combinations, long seed,
        int scenesPerCombination)
    {
        var random = new Random(unchecked((int)TrainingSeeds.ForStep(seed, TrainingSeeds.DatasetScenes, 0)));
        var scenes = new List<ShapeScene>(combinations.Count * scenesPerCombination);
        var rows = new List<long>(scenes.Capacity);
        for (var c = 0; c < combinations.Count; c++)
        {
            for (var k = 0; k < scenesPerCombination; k++)
            {
                scenes.Add(ShapeScene.Jittered(combinations[c], random));
                rows.Add(c);
            }
        }

        using var noGrad = no_grad();
        var chunks = new List<Tensor>();
        for (var start = 0; start < scenes.Count; start += EncodeChunk)
        {
            using var scope = NewDisposeScope();
            var images = ShapeRenderer.ToTensor(scenes.GetRange(start, Math.Min(EncodeChunk, scenes.Count - start))); // (b, 3, 64, 64)
            chunks.Add(components.Vae.Encode(images).MoveToOuterDisposeScope());                                     // (b, L, 16, 16)
        }
        var latents = cat(chunks, 0).DetachFromDisposeScope();                                                       // (N, L, 16, 16)
        foreach (var chunk in chunks) chunk.Dispose();
        var text = DistillationPrompts.Encode(components, combinations.Select(c => c.Caption).ToList());
        return new ShapeLatentDataset(latents, tensor(rows.ToArray()).DetachFromDisposeScope(), text);
    }

    public void Dispose()
    {
        Latents.Dispose();
        CaptionRows.Dispose();
        Text.Dispose();
    }
}
