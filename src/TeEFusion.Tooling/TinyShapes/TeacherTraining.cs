using TeEFusion.Core.Distillation;
using TeEFusion.Core.MMDiT;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>
/// Trains the teacher <see cref="SD3Transformer2DModel"/> with SD3's rectified-flow objective: x_σ = (1 − σ)·x₀ + σ·ε
/// with σ from a logit-normal(0, 1) draw, the model at timestep 1000·σ predicting ε − x₀, MSE. A fraction of captions
/// is replaced by the empty prompt so that the same model gives the unconditional prediction classifier-free
/// guidance needs. AdamW with warm-up and cosine decay, gradient clipping, and an EMA of the weights that is what ships.
/// </summary>
internal static class TeacherTraining
{
    public static void Run(SD3Transformer2DModel transformer, ShapeLatentDataset data, TinyShapesRecipe recipe, string checkpointFolder,
        Action<string> log)
    {
        var named = transformer.named_parameters().Select(p => (p.name, p.parameter)).ToArray();
        var parameters = named.Select(p => p.parameter).ToArray();
        foreach (var p in parameters) p.requires_grad = true;
        transformer.train();
        using var optimizer = new StudentAdamW(named, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0);
        using var ema = new StudentEma(named, recipe.TeacherEmaDecay);
        var start = TrainingCheckpoint.Load(checkpointFolder, transformer, optimizer, ema.Restore);
        if (start > 0) log($"teacher: resuming at step {start}/{recipe.TeacherSteps}");
        var recent = new Queue<double>();
        for (var step = start; step < recipe.TeacherSteps; step++)
        {
            using var scope = NewDisposeScope();
            var lr = TrainingSchedule.Cosine(recipe.TeacherLearningRate, step, recipe.TeacherSteps, recipe.TeacherWarmup);
            var loss = Loss(transformer, data, recipe, step);
            transformer.zero_grad();
            loss.backward();
            nn.utils.clip_grad_norm_(parameters, 1.0);
            optimizer.Step(lr);
            ema.Update();
            TrainingLog.Track(recent, loss.item<float>());
            if ((step + 1) % recipe.CheckpointInterval == 0 || step + 1 == recipe.TeacherSteps)
            {
                TrainingCheckpoint.Save(checkpointFolder, transformer, optimizer, step + 1, ema.State());
                log($"teacher: step {step + 1}/{recipe.TeacherSteps}, flow-matching loss {recent.Average():F4} (last {recent.Count}), lr {lr:G3}");
            }
        }
        ema.CopyTo(transformer);
        foreach (var p in parameters) p.requires_grad = false;
        transformer.eval();
    }

    private static Tensor Loss(SD3Transformer2DModel transformer, ShapeLatentDataset data, TinyShapesRecipe recipe, int step)
    {
        var generator = new Generator((ulong)TrainingSeeds.ForStep(recipe.Seed, TrainingSeeds.TeacherStream, step));
        var batch = recipe.TeacherBatch;
        var rows = randint(data.Count, [batch], generator: generator);                                 // (B)
        var x0 = data.Latents.index_select(0, rows);                                                    // (B, L, h, w)
        var captions = data.Text.Prompts.Select(data.CaptionRows.index_select(0, rows));
        var dropped = rand([batch], generator: generator).lt(recipe.CaptionDropout);                    // (B)
        var hidden = where(dropped.view(batch, 1, 1), data.Text.Null.EncoderHiddenStates, captions.EncoderHiddenStates); // (B, T, J)
        var pooled = where(dropped.view(batch, 1), data.Text.Null.Pooled, captions.Pooled);              // (B, P)
        var sigma = sigmoid(randn([batch], generator: generator));                                      // (B)
        var noise = randn(x0.shape, generator: generator);                                              // (B, L, h, w)
        var s = sigma.view(batch, 1, 1, 1);
        var noisy = x0.mul(s.neg().add(1)).add(noise.mul(s));                                           // (B, L, h, w)
        var prediction = transformer.call(new SD3TransformerInput(noisy, hidden, pooled, sigma.mul(1000))); // (B, L, h, w)
        return nn.functional.mse_loss(prediction, noise.sub(x0));
    }
}
