using System.CommandLine;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;

namespace TeEFusion.Cli.Commands;

/// <summary>
/// `teefusion distill`: trains a TeEFusion student from a teacher folder on a prompt file, writing checkpoints under
/// --out, the final student as --out/transformer and a complete diffusers folder as --out/model (what `generate
/// --model` and the service load). A run found under --out is resumed from its last checkpoint. With --eval-prompts the
/// student is compared with the teacher (latent MSE, image PSNR, passes and ms per image) before, every
/// --eval-interval iterations and after.
/// </summary>
internal static class DistillCommand
{
    private const int ModelError = 1;
    private const int UsageError = 2;
    private const int Cancelled = 130;

    public static Command Create()
    {
        var defaults = new DistillationSettings();
        var teacher = new Option<string>("--teacher") { Description = "Teacher diffusers folder (holds model_index.json).", Required = true };
        var prompts = new Option<FileInfo>("--prompts") { Description = "Text file, one training prompt per line (blank lines skipped).", Required = true };
        var output = new Option<string>("--out") { Description = "Run folder: checkpoints, the final transformer/ and model/ go here.", Required = true };
        var iterations = new Option<int>("--iterations") { Description = "Optimizer steps.", DefaultValueFactory = _ => defaults.Iterations };
        var sampler = new Option<string>("--sampler") { Description = "Teacher sampler: euler-cfg, z-sampling or w2sd.", DefaultValueFactory = _ => "euler-cfg" };
        var steps = new Option<int>("--steps") { Description = "Schedule steps of the teacher's rollouts.", DefaultValueFactory = _ => defaults.Steps };
        var gMin = new Option<double>("--g-min") { Description = "Smallest guidance scale drawn.", DefaultValueFactory = _ => defaults.GuidanceMin };
        var gMax = new Option<double>("--g-max") { Description = "Largest guidance scale drawn.", DefaultValueFactory = _ => defaults.GuidanceMax };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var seed = new Option<long>("--seed") { Description = "The run's seed.", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch-size") { Description = "Teacher trajectories per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var checkpoint = new Option<int>("--checkpoint-interval") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => defaults.CheckpointInterval };
        var size = new Option<int?>("--size") { Description = "Image side in pixels (default: the model's native size)." };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "Compute dtype: float32, or bfloat16 with float32 master weights.", DefaultValueFactory = _ => "float32" };
        var checkpointing = new Option<bool>("--activation-checkpointing") { Description = "Recompute transformer blocks in the backward (less memory)." };
        var evalPrompts = new Option<FileInfo?>("--eval-prompts") { Description = "Held-out prompts (one per line) to compare student and teacher on (seed 0, g = (g-min + g-max) / 2)." };
        var evalInterval = new Option<int>("--eval-interval") { Description = "Evaluate every this many steps (0: only before and after).", DefaultValueFactory = _ => 0 };

        var command = new Command("distill", "Distill a CFG / reflective teacher into a one-pass TeEFusion student.")
        {
            teacher, prompts, output, iterations, sampler, steps, gMin, gMax, lr, seed, batch, checkpoint, size, device, dtype, checkpointing,
            evalPrompts, evalInterval,
        };
        command.SetAction((result, cancellation) =>
        {
            try
            {
                var interval = result.GetValue(evalInterval);
                if (interval < 0) throw new ArgumentException($"--eval-interval must be ≥ 0; got {interval}.");
                var prompt = ReadPrompts(result.GetValue(prompts)!, "--prompts");
                var held = result.GetValue(evalPrompts) is { } file ? ReadPrompts(file, "--eval-prompts") : [];
                var folder = result.GetValue(teacher)!;
                using var components = SD3Components.Load(folder, ComputeOptions.Parse(result.GetValue(device)!, "float32"), txtAlignGuidance: false);
                var latent = result.GetValue(size) is { } pixels ? pixels / components.VaeScaleFactor : components.Transformer.Config.SampleSize;
                var settings = new DistillationSettings
                {
                    Teacher = SamplerSettings.Parse(result.GetValue(sampler)!), Steps = result.GetValue(steps),
                    GuidanceMin = result.GetValue(gMin), GuidanceMax = result.GetValue(gMax), LearningRate = result.GetValue(lr),
                    Seed = result.GetValue(seed), Iterations = result.GetValue(iterations), BatchSize = result.GetValue(batch),
                    CheckpointInterval = result.GetValue(checkpoint), LatentHeight = latent, LatentWidth = latent,
                    ComputeDType = ComputeOptions.ParseDType(result.GetValue(dtype)!), ActivationCheckpointing = result.GetValue(checkpointing),
                };
                settings.Validate();
                var run = result.GetValue(output)!;
                using var data = DistillationPrompts.Encode(components, prompt);
                using var distiller = DistillationCheckpoint.FindLatest(run) is not null
                    ? TeEFusionDistiller.Resume(run, components.Transformer, components.Scheduler, data, settings)
                    : new TeEFusionDistiller(components.Transformer, components.Scheduler, data, settings);
                Console.Error.WriteLine($"{prompt.Count} prompts, teacher {settings.Teacher.Name}, {settings.Steps} steps, g ∈ [{settings.GuidanceMin}, {settings.GuidanceMax}], "
                                        + $"{settings.ComputeDType}, from iteration {distiller.Iteration}/{settings.Iterations}");
                using var evaluation = held.Count > 0 ? new CliEvaluation(components, held, settings) : null;
                evaluation?.Report(distiller);
                var bar = ConsoleProgressBar.ForStandardError();
                distiller.Run(run, p =>
                {
                    bar.Report("iteration", p.Iteration, p.Iterations, $"loss {p.Loss:G5}  lr {p.LearningRate:G3}");
                    if (p.Iteration == p.Iterations || (interval > 0 && p.Iteration % interval == 0)) evaluation?.Report(distiller);
                }, cancellation: cancellation);
                var final = Path.Combine(run, DistillationCheckpoint.TransformerFolder);
                using (var student = distiller.ExportStudent()) DistillationCheckpoint.SaveTransformer(final, student);
                Console.WriteLine($"wrote the student transformer to {final}");
                var model = StudentModelFolder.Write(folder, final, Path.Combine(run, StudentModelFolder.DefaultName));
                Console.WriteLine($"wrote the student model folder to {model}");
                return Task.FromResult(0);
            }
            catch (ModelFormatException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return Task.FromResult(ModelError);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("cancelled; rerun the same command to resume from the last checkpoint.");
                return Task.FromResult(Cancelled);
            }
            catch (Exception error) when (error is ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return Task.FromResult(error is ArgumentException ? UsageError : ModelError);
            }
        });
        return command;
    }

    private static List<string> ReadPrompts(FileInfo file, string option)
    {
        var prompts = File.ReadAllLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return prompts.Count > 0 ? prompts : throw new ArgumentException($"{option}: {file.FullName} holds no prompt.");
    }
}
