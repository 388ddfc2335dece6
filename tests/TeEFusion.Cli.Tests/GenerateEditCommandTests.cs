using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Cli.Commands;
using TeEFusion.Tooling.Images;

namespace TeEFusion.Cli.Tests;

/// <summary>`teefusion generate --image [--mask] [--strength]`: diffusers' SD3 img2img and inpainting from the command line.</summary>
[Collection("Sequential")]
public sealed class GenerateEditCommandTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("teefusion-generate-edit-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Edits_run_the_strength_s_share_of_the_steps_at_the_image_s_size_and_a_mask_changes_the_result()
    {
        var input = Path.Combine(_directory, "in.png");
        var mask = Path.Combine(_directory, "mask.png");
        File.WriteAllBytes(input, EditPictures.Picture(1, 48, 32));
        File.WriteAllBytes(mask, EditPictures.RightHalfMask(48, 32));
        var (plain, masked) = (Path.Combine(_directory, "plain.png"), Path.Combine(_directory, "masked.png"));

        var img2img = Run(plain, "--image", input, "--strength", "0.5");
        var inpaint = Run(masked, "--image", input, "--mask", mask, "--strength", "0.5");

        Assert.Equal(0, img2img.Exit);
        Assert.Equal(0, inpaint.Exit);
        Assert.Contains("model passes: 2", img2img.Output); // 4 steps at strength 0.5: 2 run, one pass each (student)
        using var image = Image.Load<Rgb24>(plain);
        Assert.Equal((48, 32), (image.Width, image.Height));
        Assert.NotEqual(File.ReadAllBytes(plain), File.ReadAllBytes(masked));
    }

    [Fact]
    public void A_mask_without_an_image_is_refused_before_the_model_loads()
    {
        var result = Run(Path.Combine(_directory, "x.png"), "--mask", Path.Combine(_directory, "none.png"));

        Assert.NotEqual(0, result.Exit);
        Assert.Contains("--mask and --strength need --image", result.Error);
    }

    private CliInvocation Run(string png, params string[] extra)
    {
        string[] args = ["--model", model.Root, "--prompt", "a red cube", "--seed", "3", "--steps", "4", "--out", png, .. extra];
        return CliInvocation.Run(GenerateCommand.Create(), args);
    }
}
