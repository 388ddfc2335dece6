using TeEFusion.Cli.Commands;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Cli.Tests;

/// <summary>
/// The commands without --model use the bundled model, found by walking up from the current directory. Each test runs
/// from its own temporary directory (restored afterwards; the Sequential collection keeps other tests out meanwhile).
/// </summary>
[Collection("Sequential")]
public sealed class DefaultModelTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-default-model-").FullName;
    private readonly string _previous = Environment.CurrentDirectory;

    public void Dispose()
    {
        Environment.CurrentDirectory = _previous;
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Generate_without_a_model_uses_the_bundled_one_above_the_current_directory()
    {
        var bundled = Path.Combine(_directory, "repo", "models", "tiny-shapes");
        RandomModelWriter.Write(bundled, RandomModelPreset.Tiny, seed: 0);
        Environment.CurrentDirectory = Directory.CreateDirectory(Path.Combine(_directory, "repo", "src", "app")).FullName;
        var png = Path.Combine(_directory, "out.png");

        var result = CliInvocation.Run(GenerateCommand.Create(), "--prompt", "a red circle", "--steps", "1", "--seed", "1", "--out", png);

        Assert.Equal(0, result.Exit);
        Assert.Contains($"no --model given: using the bundled model at {bundled}", result.Error);
        Assert.True(File.Exists(png));
    }

    [Fact]
    public void Without_a_model_and_none_bundled_the_error_names_the_places_searched()
    {
        Environment.CurrentDirectory = Directory.CreateDirectory(Path.Combine(_directory, "empty")).FullName;
        var png = Path.Combine(_directory, "out.png");

        var generate = CliInvocation.Run(GenerateCommand.Create(), "--prompt", "a red circle", "--out", png);
        var eval = CliInvocation.Run(EvalCommand.Create(), "shapes", "--sampler", "student");

        foreach (var result in new[] { generate, eval })
        {
            Assert.Equal(1, result.Exit);
            Assert.Contains("error: No bundled model found", result.Error);
            Assert.Contains(Path.Combine(AppContext.BaseDirectory, "models", "tiny-shapes"), result.Error);
            Assert.Contains(Path.Combine(_directory, "empty"), result.Error);
            Assert.False(result.HasStackTrace, result.Error);
        }
        Assert.False(File.Exists(png));
    }

    [Fact]
    public void Info_says_which_default_model_it_would_use()
    {
        var bundled = Path.Combine(_directory, "models", "tiny-shapes");
        Directory.CreateDirectory(bundled);
        File.WriteAllText(Path.Combine(bundled, "model_index.json"), "{}");
        Environment.CurrentDirectory = _directory;

        var result = CliInvocation.Run(InfoCommand.Create());

        Assert.Equal(0, result.Exit);
        Assert.Contains($"default model  {bundled}", result.Output);
    }
}
