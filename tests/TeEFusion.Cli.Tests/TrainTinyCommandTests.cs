using TeEFusion.Cli.Commands;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Vae;
using TeEFusion.Tooling.Shapes;
using TeEFusion.Tooling.TinyShapes;

namespace TeEFusion.Cli.Tests;

[Collection("Sequential")]
public sealed class TrainTinyCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-train-tiny-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_smoke_preset_runs_every_stage_and_a_rerun_resumes_instead_of_starting_over()
    {
        var (output, work) = (Path.Combine(_directory, "model"), Path.Combine(_directory, "work"));

        var first = CliInvocation.Run(TrainTinyCommand.Create(), "--preset", "smoke", "--out", output, "--work", work);

        Assert.Equal(0, first.Exit);
        Assert.False(first.HasStackTrace, first.Error);
        foreach (var stage in new[] { "vae", "teacher", "student" }) Assert.Contains($"{stage}: finished", first.Output);
        using (var student = StudentPipeline.Load(output))
        {
            Assert.True(student.Components.FolderTxtAlignGuidance);
            Assert.Null(student.Components.TextEncoder3);
            Assert.Equal(ShapeGeometry.ImageSize, student.DefaultImageSize);
            Assert.Equal(ShapeGeometry.ImageSize, student.MaxImageSize);
            // Each caption word is one token: begin + 12 words + end, then padding.
            var tokens = student.Components.Tokenizer.Encode("a small red circle at the top left on a blue background");
            Assert.Equal(ShapeVocabulary.MaxTokens, tokens.MaxLength);
            Assert.Equal(14, tokens.TokenCount);
            // The trained VAE carries its own measured latent scaling, not the random preset's SD3 constant.
            Assert.NotEqual(new AutoencoderKLConfig().ScalingFactor, student.Components.Vae.Config.ScalingFactor);
            Assert.Equal(TinyShapesRecipe.Smoke.DefaultGuidance, student.DefaultGuidance);
        }
        using (var teacher = TeacherPipeline.Load(Path.Combine(output, StudentModelFolder.TeacherFolder)))
        {
            Assert.False(teacher.Components.FolderTxtAlignGuidance);
            Assert.Equal(TinyShapesRecipe.Smoke.DefaultGuidance, teacher.DefaultGuidance);
        }
        Assert.Contains("## Training time", File.ReadAllText(Path.Combine(output, "README.md")));

        // A crash after the VAE: the teacher and student stages are redone from their checkpoints, the VAE is kept.
        File.Delete(Path.Combine(work, "teacher.done"));
        File.Delete(Path.Combine(work, "student.done"));
        var second = CliInvocation.Run(TrainTinyCommand.Create(), "--preset", "smoke", "--out", output, "--work", work);

        Assert.Equal(0, second.Exit);
        Assert.Contains("vae: done before", second.Output);
        Assert.Contains($"teacher: resuming at step {TinyShapesRecipe.Smoke.TeacherSteps}", second.Output);
        Assert.Contains($"student: resuming at iteration {TinyShapesRecipe.Smoke.Distillation.Iterations}", second.Output);
        Assert.True(File.Exists(Path.Combine(output, "transformer", "diffusion_pytorch_model.safetensors")));

        // A student of another teacher sampler is a stage of its own beside the first, from the same teacher.
        var reflective = Path.Combine(_directory, "model-z-sampling");
        var third = CliInvocation.Run(TrainTinyCommand.Create(), "--preset", "smoke", "--distil-from", "z-sampling", "--out", reflective, "--work", work);

        Assert.Equal(0, third.Exit);
        Assert.Contains("teacher: done before", third.Output);
        Assert.Contains("student-z-sampling: finished", third.Output);
        Assert.Contains("`z-sampling`", File.ReadAllText(Path.Combine(reflective, "README.md")));
        Assert.True(File.Exists(Path.Combine(work, "student.done")));
    }

    [Fact]
    public void An_unknown_preset_is_refused()
    {
        var result = CliInvocation.Run(TrainTinyCommand.Create(), "--preset", "huge", "--out", Path.Combine(_directory, "x"));

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("huge", result.Error);
        Assert.False(Directory.Exists(Path.Combine(_directory, "x")));
    }
}
