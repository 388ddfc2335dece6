using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Cli.Commands;
using TeEFusion.Core.Imaging;

namespace TeEFusion.Cli.Tests;

[Collection("Sequential")]
public sealed class GenerateCommandTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-generate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("student", 48, 32)]
    [InlineData("z-sampling", 16, 64)]
    public void WritesAPngOfTheRequestedSize(string sampler, int width, int height)
    {
        var png = Path.Combine(_directory, $"{sampler}.png");

        var result = Generate(png, "--sampler", sampler, "--width", $"{width}", "--height", $"{height}");

        Assert.Equal(0, result.Exit);
        using var image = Image.Load<Rgb24>(png);
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.Contains($"wrote {png}", result.Output);
    }

    [Fact]
    public void SameSeedGivesIdenticalBytesAndAnotherSeedDoesNot()
    {
        var (first, second, other) = (Path.Combine(_directory, "a.png"), Path.Combine(_directory, "b.png"), Path.Combine(_directory, "c.png"));

        Assert.Equal(0, Generate(first, "--seed", "11").Exit);
        Assert.Equal(0, Generate(second, "--seed", "11").Exit);
        Assert.Equal(0, Generate(other, "--seed", "12").Exit);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        Assert.NotEqual(File.ReadAllBytes(first), File.ReadAllBytes(other));
    }

    [Theory]
    [InlineData("out.jpg", null, "jpeg")]
    [InlineData("out.webp", null, "webp")]
    [InlineData("out-without-extension", "webp", "webp")]
    public void The_format_comes_from_the_option_or_the_extension_and_the_file_is_the_png_re_encoded(string name, string? format, string expected)
    {
        var png = Path.Combine(_directory, "same-seed.png");
        var file = Path.Combine(_directory, name);
        Assert.Equal(0, Generate(png, "--seed", "5").Exit);

        var result = format is null ? Generate(file, "--seed", "5", "--compression", "60") : Generate(file, "--seed", "5", "--format", format);

        Assert.Equal(0, result.Exit);
        Assert.Contains($"({expected}, ", result.Output);
        ImageFormats.TryParse(expected, out var parsed);
        var bytes = File.ReadAllBytes(file);
        Assert.Equal((parsed, ImageFileReader.Read(File.ReadAllBytes(png)).Provenance), ImageFileReader.Read(bytes));
        Assert.Equal(ImageFileWriter.FromPng(File.ReadAllBytes(png), new ImageOutput(parsed, format is null ? 60 : 100)), bytes);
    }

    [Theory]
    [InlineData("mismatch.png", "--format", "jpeg", "names a png file, but --format is jpeg")]
    [InlineData("lossless.png", "--compression", "50", "--compression applies to jpeg and webp only")]
    [InlineData("too-much.jpg", "--compression", "101", "--compression must be between 0 and 100")]
    public void A_format_the_file_name_contradicts_or_a_compression_it_cannot_take_is_refused(string name, string option, string value, string message)
    {
        var file = Path.Combine(_directory, name);

        var result = Generate(file, option, value);

        Assert.Equal(CommandErrors.UsageError, result.Exit);
        Assert.Contains("error: ", result.Error);
        Assert.Contains(message, result.Error);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.False(File.Exists(file));
    }

    [Theory]
    [InlineData("--width", "40", "Width")]
    [InlineData("--steps", "0", "Steps")]
    [InlineData("--height", "80", "Height")]
    public void BadRequestValueIsAnErrorNamingIt(string option, string value, string named)
    {
        var png = Path.Combine(_directory, "bad.png");

        var result = Generate(png, option, value);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains($"error: {named}", result.Error);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.False(File.Exists(png));
    }

    [Fact]
    public void MissingModelFolderIsAnErrorNamingIt()
    {
        var missing = Path.Combine(_directory, "no-such-model");
        var png = Path.Combine(_directory, "missing.png");

        var result = CliInvocation.Run(GenerateCommand.Create(), "--model", missing, "--prompt", "a cube", "--out", png);

        Assert.NotEqual(0, result.Exit);
        Assert.Contains($"error: {missing}", result.Error);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.False(File.Exists(png));
    }

    // The parser rejects the name before the command runs, so its message is System.CommandLine's (no "error:" prefix);
    // the command's own check (SamplerSettings.Parse) is tested through Run below.
    [Fact]
    public void UnknownSamplerIsRefusedWithTheKnownNames()
    {
        var png = Path.Combine(_directory, "unknown.png");

        var result = Generate(png, "--sampler", "dpm");

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("'dpm'", result.Error);
        Assert.Contains("euler-cfg", result.Error);
        Assert.False(result.HasStackTrace, result.Error);
        Assert.False(File.Exists(png));
    }

    [Fact]
    public void UnknownSamplerPassedPastTheParserIsAnError()
    {
        var png = new FileInfo(Path.Combine(_directory, "run.png"));
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var exit = GenerateCommand.Run(new GenerateCommand.Arguments(model.Root, "a cube", "", 1, 1, null, null, null, "dpm", "cpu", "float32", null, png),
            stdout, stderr, CancellationToken.None);

        Assert.NotEqual(0, exit);
        Assert.Contains("error: Unknown sampler 'dpm'", stderr.ToString());
        Assert.DoesNotContain("   at ", stderr.ToString());
        Assert.False(png.Exists);
    }

    private CliInvocation Generate(string png, params string[] extra)
    {
        var options = new Dictionary<string, string> { ["--seed"] = "3", ["--steps"] = "2" };
        for (var i = 0; i < extra.Length; i += 2) options[extra[i]] = extra[i + 1];
        string[] args = ["--model", model.Root, "--prompt", "a red cube on a table", "--out", png, .. options.SelectMany(o => new[] { o.Key, o.Value })];
        return CliInvocation.Run(GenerateCommand.Create(), args);
    }
}
