using System.Diagnostics;
using System.Globalization;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Tooling.RandomModels;
using TeEFusion.Tooling.Shapes;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>
/// Makes the bundled tiny-shapes model from nothing, in stages that each leave their result in the work folder:
/// <c>init</c> (the untrained tiny-shapes architecture, T5-less, as a diffusers folder), <c>vae</c>, <c>teacher</c>,
/// <c>student</c> (TeEFusion distillation with the project's distiller) and <c>assemble</c> (the student folder with
/// the teacher folder inside it, both indexes naming the recipe's default guidance, and a model card). A finished stage is never redone; an interrupted one resumes from
/// its last checkpoint, so rerunning the same command after a crash continues where it stopped.
/// </summary>
public sealed class TinyShapesTrainer(string workDirectory, TinyShapesRecipe recipe, Action<string> log)
{
    private string[] Stages => ["init", "vae", "teacher", StudentStage];

    private string TeacherDirectory => Path.Combine(workDirectory, StudentModelFolder.TeacherFolder);

    // A student distilled from another teacher sampler gets its own stage, run folder and result, so that students of
    // several samplers can be distilled from the one teacher of a work folder.
    private string StudentSuffix => recipe.Distillation.Teacher.Kind == SamplerKind.EulerCfg ? "" : "-" + recipe.Distillation.Teacher.Name;
    private string StudentStage => "student" + StudentSuffix;
    private string StudentTransformer => Path.Combine(workDirectory, "student-transformer" + StudentSuffix);

    /// <summary>Runs every unfinished stage, then assembles the model into <paramref name="outputDirectory"/> (replaced if present).</summary>
    public void Run(string outputDirectory, CancellationToken cancellation = default)
    {
        recipe.Validate();
        Directory.CreateDirectory(workDirectory);
        Stage("init", Initialize);
        Stage("vae", recipe.WarmStartFrom is null ? TrainVae : ReuseOrFineTuneVae);
        Stage("teacher", TrainTeacher);
        Stage(StudentStage, () => DistilStudent(cancellation));
        Assemble(outputDirectory);
        cancellation.ThrowIfCancellationRequested();
        void Stage(string name, Action run)
        {
            cancellation.ThrowIfCancellationRequested();
            var marker = Path.Combine(workDirectory, name + ".done");
            if (File.Exists(marker))
            {
                log($"{name}: done before ({File.ReadAllText(marker).Trim()} s)");
                return;
            }
            var clock = Stopwatch.StartNew();
            run();
            File.WriteAllText(marker, clock.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + "\n");
            log($"{name}: finished in {clock.Elapsed.TotalMinutes:F1} min");
        }
    }

    /// <summary>Seconds each finished stage took, in stage order; a stage resumed after an interruption counts only its last session.</summary>
    public IReadOnlyList<(string Stage, double Seconds)> StageSeconds() => Stages
        .Select(s => Path.Combine(workDirectory, s + ".done"))
        .Where(File.Exists)
        .Select(f => (Path.GetFileNameWithoutExtension(f), double.Parse(File.ReadAllText(f), CultureInfo.InvariantCulture)))
        .ToArray();

    private SD3Components LoadTeacher() => SD3Components.Load(TeacherDirectory, ComputeOptions.Cpu32, txtAlignGuidance: false,
        ShapeVocabulary.MaxTokens);

    private void Initialize()
    {
        if (recipe.WarmStartFrom is { } trained)
            WarmStart.Initialize(Path.Combine(trained, StudentModelFolder.TeacherFolder), TeacherDirectory, recipe.Seed, log);
        else RandomModelWriter.Write(TeacherDirectory, RandomModelPreset.TinyShapes, recipe.Seed, includeT5: false, overwrite: true);
    }

    // A warm start's VAE was trained on single objects; two-object scenes are the same local blobs twice, so it usually
    // reads them back well. Fine-tuning keeps its latent statistics: the teacher was trained on those.
    private void ReuseOrFineTuneVae()
    {
        using var components = LoadTeacher();
        var (single, pairs) = (VaeTraining.RoundTripAccuracy(components.Vae, recipe.Seed), VaeTraining.PairRoundTripAccuracy(components.Vae, recipe.Seed));
        log($"vae: the trained VAE's round trip reads {single:P0} of single-object and {pairs:P0} of two-object scenes right");
        if (pairs >= recipe.VaeReuseAccuracy)
        {
            log($"vae: reused (two-object round trip at least {recipe.VaeReuseAccuracy:P0})");
            return;
        }
        VaeTraining.Run(components.Vae, recipe, Path.Combine(workDirectory, "vae-checkpoint"), log);
        StateDictLoader.Save(components.Vae, Path.Combine(TeacherDirectory, "vae", "diffusion_pytorch_model.safetensors"));
        log($"vae: fine-tuned; two-object round trip now {VaeTraining.PairRoundTripAccuracy(components.Vae, recipe.Seed):P0}");
    }

    private void TrainVae()
    {
        using var components = LoadTeacher();
        var vae = components.Vae;
        VaeTraining.Run(vae, recipe, Path.Combine(workDirectory, "vae-checkpoint"), log);
        var (shift, scale) = VaeTraining.LatentStatistics(vae, recipe.Seed, recipe.LatentStatisticsScenes);
        var folder = Path.Combine(TeacherDirectory, "vae");
        var config = vae.Config;
        config.ShiftFactor = shift;
        config.ScalingFactor = scale;
        ConfigJson.Save(Path.Combine(folder, "config.json"), config);
        StateDictLoader.Save(vae, Path.Combine(folder, "diffusion_pytorch_model.safetensors"));
        log($"vae: latent shift_factor {shift:F4}, scaling_factor {scale:F4}");
    }

    private void TrainTeacher()
    {
        using var components = LoadTeacher();
        var examples = TinyShapesData.TeacherExamples(recipe);
        using (var data = ShapeLatentDataset.Build(components, examples))
        {
            log($"teacher: {data.Count} latents ({recipe.TrainingCombinations().Count} seen combinations × {recipe.ScenesPerCombination}, " +
                $"{recipe.PairScenes} two-object scenes), {data.Text.Count} distinct captions");
            TeacherTraining.Run(components.Transformer, data, recipe, Path.Combine(workDirectory, "teacher-checkpoint"), log);
        }
        var folder = Path.Combine(TeacherDirectory, DistillationCheckpoint.TransformerFolder);
        ConfigJson.Save(Path.Combine(folder, "config.json"), components.Transformer.Config);
        StateDictLoader.Save(components.Transformer, Path.Combine(folder, "diffusion_pytorch_model.safetensors"));
    }

    private void DistilStudent(CancellationToken cancellation)
    {
        using var components = LoadTeacher();
        var settings = recipe.Distillation with { Seed = recipe.Seed };
        var run = new DistillationRunFolder(Path.Combine(workDirectory, "distillation" + StudentSuffix));
        using var session = new DistillationSession(run, components, TinyShapesData.DistillationCaptions(recipe), [],
            new DistillationRunSettings(settings));
        if (session.Iteration > 0) log($"student: resuming at iteration {session.Iteration}/{settings.Iterations}");
        var every = Math.Max(1, settings.CheckpointInterval);
        session.Run(step =>
        {
            if (step.Iteration % every == 0 || step.Finished)
                log($"student: iteration {step.Iteration}/{step.Iterations}, loss {session.LossHistory.TakeLast(every).Average():F5}");
        }, cancellation);
        if (Directory.Exists(StudentTransformer)) Directory.Delete(StudentTransformer, recursive: true);
        StudentModelFolder.Copy(run.TransformerDirectory, StudentTransformer);
    }

    private void Assemble(string outputDirectory)
    {
        StudentModelFolder.Write(TeacherDirectory, StudentTransformer, outputDirectory);
        var teacherOutput = Path.Combine(outputDirectory, StudentModelFolder.TeacherFolder);
        StudentModelFolder.Copy(TeacherDirectory, teacherOutput);
        foreach (var folder in new[] { outputDirectory, teacherOutput }) ModelFolder.WriteDefaultGuidance(folder, recipe.DefaultGuidance);
        TinyShapesModelCard.Write(Path.Combine(outputDirectory, "README.md"), recipe, StageSeconds());
        log($"assembled {Path.GetFullPath(outputDirectory)}");
    }
}
