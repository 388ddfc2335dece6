using TeEFusion.Core.Distillation;
using TeEFusion.Core.Vae;
using TeEFusion.Tooling.Shapes;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>
/// Trains an <see cref="AutoencoderKL"/> on rendered scenes of the seen split (a third of each batch two-object scenes
/// when the recipe trains on them): reconstruction MSE of a posterior sample plus a small KL term, AdamW. Each step's scenes and noise derive from (seed, step), so a resumed stage
/// continues exactly as an uninterrupted one would.
/// </summary>
internal static class VaeTraining
{
    public static void Run(AutoencoderKL vae, TinyShapesRecipe recipe, string checkpointFolder, Action<string> log)
    {
        var named = vae.named_parameters().Select(p => (p.name, p.parameter)).ToArray();
        var parameters = named.Select(p => p.parameter).ToArray();
        foreach (var p in parameters) p.requires_grad = true;
        vae.train();
        using var optimizer = new StudentAdamW(named, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0);
        var start = TrainingCheckpoint.Load(checkpointFolder, vae, optimizer);
        if (start > 0) log($"vae: resuming at step {start}/{recipe.VaeSteps}");
        var recent = new Queue<double>();
        for (var step = start; step < recipe.VaeSteps; step++)
        {
            using var scope = NewDisposeScope();
            var generator = new Generator((ulong)TrainingSeeds.ForStep(recipe.Seed, TrainingSeeds.VaeStream, step));
            var images = ShapeRenderer.ToTensor(Batch(recipe, step));                                      // (B, 3, 64, 64)
            using var posterior = vae.EncodeRaw(images);
            var reconstruction = vae.DecodeRaw(posterior.Sample(generator));                                 // (B, 3, 64, 64)
            var kl = posterior.Mean.square().add(posterior.Std.square()).sub(1).sub(posterior.LogVar).mul(0.5).sum([1, 2, 3]).mean();
            var mse = ObjectWeightedMse(reconstruction, images, recipe.VaeObjectWeight);
            var loss = mse.add(kl.mul(recipe.VaeKlWeight));
            vae.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.Step(TrainingSchedule.Cosine(recipe.VaeLearningRate, step, recipe.VaeSteps, warmup: 0));
            TrainingLog.Track(recent, mse.item<float>());
            if ((step + 1) % recipe.CheckpointInterval == 0 || step + 1 == recipe.VaeSteps)
            {
                TrainingCheckpoint.Save(checkpointFolder, vae, optimizer, step + 1);
                log($"vae: step {step + 1}/{recipe.VaeSteps}, weighted mse {recent.Average():F5} (last {recent.Count}), " +
                    $"detector reads {RoundTripAccuracy(vae, recipe.Seed):P0} of round-tripped scenes right");
            }
        }
        foreach (var p in parameters) p.requires_grad = false;
        vae.eval();
    }

    private static IReadOnlyList<IShapeScene> Batch(TinyShapesRecipe recipe, int step)
    {
        var pairs = recipe.PairScenes > 0 ? recipe.VaeBatch / 3 : 0;
        var singles = new ShapeSceneGenerator(TrainingSeeds.ForStep(recipe.Seed, TrainingSeeds.VaeScenes, step)).Take(recipe.VaeBatch - pairs);
        return [.. singles, .. PairScenes(TrainingSeeds.ForStep(recipe.Seed, TrainingSeeds.VaePairScenes, step), pairs)];
    }

    /// <summary><paramref name="count"/> placed two-object scenes of the seen pairs, drawn from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<ShapePairScene> PairScenes(long seed, int count)
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        var pairs = ShapeSplits.Pairs(ShapeSplit.Seen);
        return Enumerable.Range(0, count).Select(_ => ShapePairScene.Place(pairs[random.Next(pairs.Count)], random)).ToArray();
    }

    // The objects cover a few percent of the canvas; a plain MSE is then won by the background and the objects come back as
    // blurred blobs of the wrong colour. Pixels that differ from the background (its colour is the top-left pixel, which
    // no object reaches) and the pixels within objectMargin of them weigh objectWeight times more: weighting the object
    // alone made bleeding outwards cheap, and small squares and triangles came back as round blobs.
    private static Tensor ObjectWeightedMse(Tensor reconstruction, Tensor images, double objectWeight)
    {
        const int objectMargin = 2;
        var background = images.narrow(2, 0, 1).narrow(3, 0, 1);                                       // (B, 3, 1, 1)
        var onObject = images.sub(background).abs().sum(1, keepdim: true).gt(0.02).to(images.dtype);    // (B, 1, 64, 64)
        var nearObject = nn.functional.max_pool2d(onObject, 2 * objectMargin + 1, stride: 1, padding: objectMargin); // (B, 1, 64, 64)
        var weight = nearObject.mul(objectWeight - 1).add(1);                                            // (B, 1, 64, 64)
        return reconstruction.sub(images).square().mul(weight).sum().div(weight.sum().mul(images.shape[1]));
    }

    /// <summary>Share of 64 fixed seen scenes whose encode→decode round trip <see cref="ShapeDetector"/> reads fully right.</summary>
    public static double RoundTripAccuracy(AutoencoderKL vae, long seed)
    {
        var scenes = new ShapeSceneGenerator(TrainingSeeds.ForStep(seed, TrainingSeeds.LatentStatistics, 1)).Take(64);
        return RoundTripAccuracy(vae, scenes, (rgb, scene) => ShapeDetector.Detect(rgb).Attributes == scene.Attributes);
    }

    /// <summary>Share of 64 fixed seen two-object scenes whose round trip <see cref="ShapeDetector.DetectPair"/> reads fully right.</summary>
    public static double PairRoundTripAccuracy(AutoencoderKL vae, long seed) =>
        RoundTripAccuracy(vae, PairScenes(TrainingSeeds.ForStep(seed, TrainingSeeds.LatentStatistics, 2), 64),
            (rgb, scene) => ShapeDetector.DetectPair(rgb) is { } read && read.Mismatches(scene.Attributes).Count == 0);

    private static double RoundTripAccuracy<TScene>(AutoencoderKL vae, IReadOnlyList<TScene> scenes, ReadsRight<TScene> readsRight)
        where TScene : IShapeScene
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var posterior = vae.EncodeRaw(ShapeRenderer.ToTensor(scenes));
        var images = vae.DecodeRaw(posterior.Mean);                                                      // (n, 3, 64, 64)
        var rgb = images.clamp(-1, 1).add(1).mul(127.5).round().to(ScalarType.Byte).permute(0, 2, 3, 1).contiguous().data<byte>().ToArray();
        const int size = ShapeGeometry.ImageSize * ShapeGeometry.ImageSize * 3;
        var right = scenes.Where((scene, i) => readsRight(rgb.AsSpan(i * size, size), scene)).Count();
        return right / (double)scenes.Count;
    }

    private delegate bool ReadsRight<in TScene>(ReadOnlySpan<byte> rgb, TScene scene);

    /// <summary>
    /// The latent statistics diffusers' configs carry: shift_factor = mean and scaling_factor = 1/std of the posterior
    /// means over <paramref name="count"/> scenes, so the denoiser sees latents of zero mean and unit variance.
    /// </summary>
    public static (double Shift, double Scale) LatentStatistics(AutoencoderKL vae, long seed, int count)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var images = ShapeRenderer.ToTensor(new ShapeSceneGenerator(TrainingSeeds.ForStep(seed, TrainingSeeds.LatentStatistics, 0)).Take(count));
        using var posterior = vae.EncodeRaw(images);
        var mean = posterior.Mean.mean().item<float>();
        var std = posterior.Mean.std().item<float>();
        return (mean, 1.0 / std);
    }
}
