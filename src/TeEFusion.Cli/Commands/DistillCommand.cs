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
/// --eval-interval iterations and after. At the end it draws the loss curve and the evaluations of this invocation as
/// --out/loss.svg. Its settings' options are the admin API's fields, one per
/// <see cref="DistillationKnobs"/> knob.
/// </summary>
internal static class DistillCommand
{
    private const int ModelError = 1;
    private const int UsageError = 2;
    private const int Cancelled = 130;

    public static Command Create()
    {
        var teacher = new Option<string>("--teacher") { Description = "Teacher diffusers folder (holds model_index.json).", Required = true };
        var prompts = new Option<FileInfo>("--prompts") { Description = "Text file, one training prompt per line (blank lines skipped).", Required = true };
        var output = new Option<string>("--out") { Description = "Run folder: checkpoints, the final transformer/ and model/ go here.", Required = true };
        var size = new Option<int?>("--size") { Description = "Image side in pixels (default: the model's native size)." };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var evalPrompts = new Option<FileInfo?>("--eval-prompts") { Description = "Held-out prompts (one per line) to compare student and teacher on (seed 0, g = (g-min + g-max) / 2)." };
        var knobs = new DistillKnobOptions();

        var command = new Command("distill", "Distill a CFG / reflective teacher into a one-pass TeEFusion student.")
        {
            teacher, prompts, output, size, device, evalPrompts,
        };
        foreach (var option in knobs.Options) command.Options.Add(option);
        command.SetAction((result, cancellation) =>
        {
            try
            {
                var run = knobs.Resolve(result);
                var prompt = ReadPrompts(result.GetValue(prompts)!, "--prompts");
                var held = result.GetValue(evalPrompts) is { } file ? ReadPrompts(file, "--eval-prompts") : [];
                var teacherFolder = result.GetValue(teacher)!;
                using var components = SD3Components.Load(teacherFolder, ComputeOptions.Parse(result.GetValue(device)!, "float32"), txtAlignGuidance: false);
                var latent = result.GetValue(size) is { } pixels ? pixels / components.VaeScaleFactor : components.Transformer.Config.SampleSize;
                run = run with { Settings = run.Settings with { LatentHeight = latent, LatentWidth = latent } };
                var settings = run.Settings;
                var folder = new DistillationRunFolder(result.GetValue(output)!);
                using var session = new DistillationSession(folder, components, prompt, held, run);
                Console.Error.WriteLine($"{prompt.Count} prompts, teacher {settings.Teacher.Name}, {settings.Steps} steps, g ∈ [{settings.GuidanceMin}, {settings.GuidanceMax}], "
                                        + $"{settings.ComputeDType}, from iteration {session.Iteration}/{settings.Iterations}");
                var evaluations = new List<LossCurveEvaluation>();
                if (session.OpeningEvaluation is { } opening) Evaluated(session.Iteration, opening);
                var bar = ConsoleProgressBar.ForStandardError();
                session.Run(step =>
                {
                    bar.Report("iteration", step.Iteration, step.Iterations, $"loss {step.Loss:G5}  lr {step.LearningRate:G3}");
                    if (step.Evaluation is { } evaluation) Evaluated(step.Iteration, evaluation);
                }, cancellation);
                Console.WriteLine($"wrote the student transformer to {folder.TransformerDirectory}");
                Console.WriteLine($"wrote the student model folder to {folder.WriteModel(teacherFolder)}");
                var curve = new LossCurve(folder.Name, settings.Teacher.Name, settings.Iterations, session.LossHistory, evaluations);
                Console.WriteLine($"wrote the loss curve to {folder.WriteLossCurve(curve)}");
                return Task.FromResult(0);

                void Evaluated(int iteration, DistillationEvaluation evaluation)
                {
                    Report(iteration, evaluation);
                    evaluations.Add(LossCurveEvaluation.From(iteration, evaluation));
                }
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

    private static void Report(int iteration, DistillationEvaluation e) =>
        Console.WriteLine($"eval iteration {iteration}: latent MSE {e.LatentMse:G4}  image PSNR {e.ImagePsnr:F2} dB  "
                          + $"student {e.StudentPassesPerImage} passes {e.StudentMsPerImage:F1} ms/image  "
                          + $"teacher {e.TeacherPassesPerImage} passes {e.TeacherMsPerImage:F1} ms/image  decode {e.DecodeMsPerImage:F1} ms/image");

    private static List<string> ReadPrompts(FileInfo file, string option)
    {
        var prompts = File.ReadAllLines(file.FullName).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return prompts.Count > 0 ? prompts : throw new ArgumentException($"{option}: {file.FullName} holds no prompt.");
    }
}
