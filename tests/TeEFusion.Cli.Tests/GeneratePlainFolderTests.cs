using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using TeEFusion.Cli.Commands;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Cli.Tests;

/// <summary>`teefusion generate` on a plain SD3 folder: guided by default, and never the student's untrained fused term.</summary>
[Collection("Sequential")]
public sealed class GeneratePlainFolderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-generate-plain-").FullName;
    private readonly string _folder;

    public GeneratePlainFolderTests()
    {
        _folder = Path.Combine(_directory, "sd3");
        RandomModelWriter.Write(_folder, RandomModelPreset.TinySd3, seed: 0);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Without_a_sampler_a_plain_folder_runs_euler_cfg()
    {
        var png = Path.Combine(_directory, "default.png");

        var result = CliInvocation.Run(GenerateCommand.Create(), ["--model", _folder, "--prompt", "a red cube", "--steps", "2", "--seed", "1", "--out", png]);

        Assert.Equal(0, result.Exit);
        using var image = Image.Load(png);
        Assert.Equal("euler-cfg", image.Metadata.GetPngMetadata().TextData.Single(t => t.Keyword == "sampler").Value);
    }

    [Fact]
    public void The_student_sampler_on_a_plain_folder_is_refused_naming_the_samplers_it_runs()
    {
        var png = Path.Combine(_directory, "student.png");

        var result = CliInvocation.Run(GenerateCommand.Create(),
            ["--model", _folder, "--prompt", "a red cube", "--steps", "2", "--sampler", "student", "--out", png]);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("txt_align_guidance = false", result.Error);
        Assert.Contains("euler-cfg, z-sampling or w2sd", result.Error);
        Assert.False(File.Exists(png));
    }
}
