using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;

namespace TeEFusion.Cli.Commands;

/// <summary>`distill --eval-prompts`: the held-out prompts, the evaluator (seed 0, the middle of the g range) and its report line.</summary>
internal sealed class CliEvaluation : IDisposable
{
    private readonly DistillationPrompts _prompts;
    private readonly DistillationEvaluator _evaluator;

    public CliEvaluation(SD3Components components, IReadOnlyList<string> prompts, DistillationSettings settings)
    {
        _prompts = DistillationPrompts.Encode(components, prompts);
        _evaluator = new DistillationEvaluator(components.Transformer, components.Scheduler, _prompts, settings.Teacher, settings.Steps,
            (settings.GuidanceMin + settings.GuidanceMax) / 2, [0], settings.LatentHeight, settings.LatentWidth, components.Vae);
    }

    /// <summary>Evaluates the distiller's exported student and prints one line on stdout.</summary>
    public void Report(TeEFusionDistiller distiller)
    {
        using var student = distiller.ExportStudent();
        var e = _evaluator.Evaluate(student);
        Console.WriteLine($"eval iteration {distiller.Iteration}: latent MSE {e.LatentMse:G4}  image PSNR {e.ImagePsnr:F2} dB  "
                          + $"student {e.StudentPassesPerImage} passes {e.StudentMsPerImage:F1} ms/image  "
                          + $"teacher {e.TeacherPassesPerImage} passes {e.TeacherMsPerImage:F1} ms/image  decode {e.DecodeMsPerImage:F1} ms/image");
    }

    public void Dispose()
    {
        _evaluator.Dispose();
        _prompts.Dispose();
    }
}
