using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Core.Imaging;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Imaging;

[Collection("Sequential")]
public class PngImageWriterTests
{
    private static ImageProvenance Provenance(int width, int height, string prompt = "a small red circle", long seed = 42) =>
        new(prompt, "blurry", seed, 4, 1.5, "teefusion-euler", width, height, "AIDC-AI/TeEFusion", "1.0.0");

    // Pixels p in 0..255 as decoder output x = p / 127.5 - 1, which the diffusers mapping sends back to p.
    private static (byte[] Pixels, Tensor Image) RandomImage(int seed, int width, int height)
    {
        var pixels = new byte[3 * height * width];
        new Random(seed).NextBytes(pixels);
        var chw = tensor(pixels, [3, height, width], ScalarType.Byte).to(ScalarType.Float32).div(127.5).sub(1);
        var hwc = new byte[pixels.Length];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                    hwc[(y * width + x) * 3 + c] = pixels[(c * height + y) * width + x];
        return (hwc, chw);
    }

    private static byte[] DecodePixels(byte[] png, out int width, out int height)
    {
        using var image = Image.Load<Rgb24>(png);
        (width, height) = (image.Width, image.Height);
        var pixels = new byte[width * height * 3];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    [Fact]
    public void PixelsSurviveEncodeAndDecode()
    {
        using var scope = NewDisposeScope();
        var (expected, image) = RandomImage(1, width: 24, height: 16);
        var png = PngImageWriter.Encode(image, Provenance(24, 16));
        Assert.Equal(expected, DecodePixels(png, out var width, out var height));
        Assert.Equal((24, 16), (width, height));
    }

    [Fact]
    public void BatchGivesOnePngPerImage()
    {
        using var scope = NewDisposeScope();
        var (first, a) = RandomImage(2, 8, 8);
        var (second, b) = RandomImage(3, 8, 8);
        var pngs = PngImageWriter.EncodeBatch(stack([a, b]), [Provenance(8, 8, seed: 1), Provenance(8, 8, seed: 2)]);
        Assert.Equal(first, DecodePixels(pngs[0], out _, out _));
        Assert.Equal(second, DecodePixels(pngs[1], out _, out _));
        Assert.Contains(PngChunks.Texts(pngs[1]), c => c is { Keyword: "seed", Text: "2" });
    }

    [Fact]
    public void ABatchingServersModeIsItsOwnChunkAndPartOfTheParameters()
    {
        using var scope = NewDisposeScope();
        var provenance = Provenance(8, 4) with { Batching = "rows-in-flight" };
        var png = PngImageWriter.Encode(RandomImage(4, 8, 4).Image, provenance);

        var chunks = PngChunks.Texts(png);
        Assert.Equal(("batching", "rows-in-flight"), (chunks[^2].Keyword, chunks[^2].Text));
        Assert.Equal(provenance, ImageProvenance.FromJson(chunks[^1].Text));
        Assert.DoesNotContain("batching", Provenance(8, 4).ToJson());
    }

    [Fact]
    public void ProvenanceIsWrittenAsTextChunksIncludingNonLatin()
    {
        using var scope = NewDisposeScope();
        const string prompt = "一只红色的圆，在蓝色背景上 🐱 — café";
        var provenance = Provenance(8, 4, prompt) with { NegativePrompt = "" };
        var png = PngImageWriter.Encode(RandomImage(4, 8, 4).Image, provenance);

        var chunks = PngChunks.Texts(png);
        Assert.Equal(
            ["prompt", "negative_prompt", "seed", "steps", "guidance", "sampler", "width", "height", "model_id", "model_version", "parameters"],
            chunks.Select(c => c.Keyword));
        Assert.Equal(("iTXt", prompt), (chunks[0].Type, chunks[0].Text));
        Assert.Equal(("tEXt", "42"), (chunks[2].Type, chunks[2].Text));
        Assert.Equal("1.5", chunks[4].Text);
        Assert.Equal("", chunks[1].Text);
        Assert.Equal(provenance, ImageProvenance.FromJson(chunks[^1].Text));

        using var decoded = Image.Load<Rgb24>(png);
        var text = decoded.Metadata.GetPngMetadata().TextData;
        Assert.Contains(text, t => t.Keyword == "prompt" && t.Value == prompt);
    }

    [Fact]
    public void SameInputGivesSameBytes()
    {
        using var scope = NewDisposeScope();
        var image = RandomImage(5, 16, 16).Image;
        var first = PngImageWriter.Encode(image, Provenance(16, 16));
        var again = PngImageWriter.Encode(image.clone(), Provenance(16, 16));
        var otherSeed = PngImageWriter.Encode(image, Provenance(16, 16, seed: 43));
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.DoesNotContain(PngChunks.Read(first), c => c.Type is "tIME" or "pHYs" or "gAMA");
    }

    [Fact]
    public void AcceptsBatchOfOne()
    {
        using var scope = NewDisposeScope();
        var (expected, image) = RandomImage(6, 8, 8);
        Assert.Equal(expected, DecodePixels(PngImageWriter.Encode(image.unsqueeze(0), Provenance(8, 8)), out _, out _));
    }

    [Fact]
    public void RejectsBadInput()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("(B, 3, H, W)", Assert.Throws<ArgumentException>(
            () => PngImageWriter.EncodeBatch(zeros(3, 8, 8), [Provenance(8, 8)])).Message);
        Assert.Contains("8x8", Assert.Throws<ArgumentException>(() => PngImageWriter.Encode(zeros(3, 8, 8), Provenance(16, 8))).Message);
        Assert.Contains("2 provenance", Assert.Throws<ArgumentException>(
            () => PngImageWriter.EncodeBatch(zeros(3, 3, 8, 8), [Provenance(8, 8), Provenance(8, 8)])).Message);
    }
}
