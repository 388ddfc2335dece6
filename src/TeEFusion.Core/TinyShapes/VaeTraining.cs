using TeEFusion.Core.Shapes;
using TeEFusion.Core.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.TinyShapes;

/// <summary>
/// Trains an <see cref="AutoencoderKL"/> on rendered scenes of the seen split: reconstruction MSE of a posterior
/// sample plus a small KL term, AdamW. Each step's scenes and noise derive from (seed, step), so a resumed stage
/// continues exactly as an uninterrupted one would.
/// </summary>
internal static class VaeTraining
{
    public static void Run(AutoencoderKL vae, TinyShapesRecipe recipe, string checkpointFolder, Action<string> log)
    {
        var parameters = vae.parameters().ToArray();
        foreach (var p in parameters) p.requires_grad = true;
        vae.train();
        using var optimizer = optim.AdamW(parameters, lr: recipe.VaeLearningRate, weight_decay: 0);
        var start = TrainingCheckpoint.Load(checkpointFolder, vae, optimizer);
        if (start > 0) log($"vae: resuming at step {start}/{recipe.VaeSteps}");
        var recent = new Queue<double>();
        for (var step = start; step < recipe.VaeSteps; step++)
        {
            using var scope = NewDisposeScope();
            var generator = new Generator((ulong)TrainingSeeds.ForStep(recipe.Seed, TrainingSeeds.VaeStream, step));
            var images = ShapeRenderer.ToTensor(new ShapeSceneGenerator(TrainingSeeds.ForStep(recipe.Seed, TrainingSeeds.VaeScenes, step))
                .Take(recipe.VaeBatch));                                                                     // (B, 3, 64, 64)
            using var posterior = vae.EncodeRaw(images);
            var reconstruction = vae.DecodeRaw(posterior.Sample(generator));                                 // (B, 3, 64, 64)
            var kl = posterior.Mean.square().add(posterior.Std.square()).sub(1).sub(posterior.LogVar).mul(0.5).sum([1, 2, 3]).mean();
            var mse = nn.functional.mse_loss(reconstruction, images);
            var loss = mse.add(kl.mul(recipe.VaeKlWeight));
            optimizer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.step();
            TrainingLog.Track(recent, mse.item<float>());
            if ((step + 1) % recipe.CheckpointInterval == 0 || step + 1 == recipe.VaeSteps)
            {
                TrainingCheckpoint.Save(checkpointFolder, vae, optimizer, step + 1);
                log($"vae: step {step + 1}/{recipe.VaeSteps}, reconstruction mse {recent.Average():F5} (last {recent.Count})");
            }
        }
        foreach (var p in parameters) p.requires_grad = false;
        vae.eval();
    }

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
