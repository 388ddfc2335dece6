using TeEFusion.Cli.Commands;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Cli.Tests;

[Collection("Sequential")]
public sealed class MakeRandomModelCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-make-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void TinyPresetWritesAFolderThatBothPipelinesLoad()
    {
        var folder = Path.Combine(_directory, "tiny");

        var result = CliInvocation.Run(MakeRandomModelCommand.Create(), "--preset", "tiny", "--out", folder);

        Assert.Equal(0, result.Exit);
        Assert.True(File.Exists(Path.Combine(folder, "model_index.json")));
        var expected = RandomModelSpec.For(RandomModelPreset.Tiny).Transformer;
        using (var student = StudentPipeline.Load(folder))
        {
            Assert.Equal(expected.NumLayers, student.Components.Transformer.Config.NumLayers);
            Assert.True(student.Components.FolderTxtAlignGuidance);
            Assert.NotNull(student.Components.TextEncoder3);
        }
        using var teacher = TeacherPipeline.Load(folder);
        Assert.Equal(32, teacher.DefaultImageSize);
    }

    [Fact]
    public void NonEmptyFolderIsRefusedWithoutForceAndRewrittenWithIt()
    {
        var folder = Path.Combine(_directory, "existing");
        Directory.CreateDirectory(folder);
        var keep = Path.Combine(folder, "notes.txt");
        File.WriteAllText(keep, "not a model");

        var refused = CliInvocation.Run(MakeRandomModelCommand.Create(), "--preset", "tiny", "--out", folder);

        Assert.NotEqual(0, refused.Exit);
        Assert.Contains(folder, refused.Error);
        Assert.Contains("--force", refused.Error);
        Assert.False(refused.HasStackTrace, refused.Error);
        Assert.False(File.Exists(Path.Combine(folder, "model_index.json")));

        var forced = CliInvocation.Run(MakeRandomModelCommand.Create(), "--preset", "tiny", "--out", folder, "--force");

        Assert.Equal(0, forced.Exit);
        Assert.True(File.Exists(Path.Combine(folder, "model_index.json")));
        Assert.Equal("not a model", File.ReadAllText(keep));
    }

    [Fact]
    public void UnknownPresetIsRefusedWithTheKnownNames()
    {
        var folder = Path.Combine(_directory, "huge");

        var result = CliInvocation.Run(MakeRandomModelCommand.Create(), "--preset", "huge", "--out", folder);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("'huge'", result.Error);
        Assert.Contains("tiny", result.Error);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.False(Directory.Exists(folder));
    }
}
