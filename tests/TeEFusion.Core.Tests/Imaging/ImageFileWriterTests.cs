using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Core.Imaging;
using static TeEFusion.Core.Tests.Imaging.TestImages;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Imaging;

[Collection("Sequential")]
public class ImageFileWriterTests
{
    // The bytes every PNG had before JPEG and WebP existed (SHA-256 taken from the writer of that time): PNG stays unchanged.
    [Fact]
    public void PngBytesAreTheSameAsBeforeOtherFormatsExisted()
    {
        using var scope = NewDisposeScope();
        var pixels = new byte[3 * 16 * 24];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 37 % 251);
        var (_, image) = FromPlanes(pixels, 24, 16);
        var provenance = new ImageProvenance("一只红色的圆 café", "blurry", 42, 4, 1.5, "student", 24, 16, "tiny", "v1") { Batching = "padded-4" };

        var png = ImageFileWriter.Encode(image, provenance, ImageOutput.Png);

        Assert.Equal(724, png.Length);
        Assert.Equal("D4C433C778A2A71EDE2D0F7EB99AF23FA976D14D40FAC34048D5D69A6777573D", Convert.ToHexString(SHA256.HashData(png)));
    }

    [Fact]
    public void APreviewKeepsItsPixelsButCarriesNoProvenance()
    {
        using var scope = NewDisposeScope();
        var (expected, image) = RandomImage(2, width: 24, height: 16);

        var png = ImageFileWriter.EncodePreview(image.unsqueeze(0), ImageOutput.Png);

        Assert.Equal(expected, DecodePixels(png, out var width, out var height));
        Assert.Equal((24, 16), (width, height));
        Assert.Throws<InvalidDataException>(() => ImageFileReader.Read(png));
    }

    [Fact]
    public void PixelsSurviveEncodeAndDecode()
    {
        using var scope = NewDisposeScope();
        var (expected, image) = RandomImage(1, width: 24, height: 16);
        var png = ImageFileWriter.Encode(image, Provenance(24, 16), ImageOutput.Png);
        Assert.Equal(expected, DecodePixels(png, out var width, out var height));
        Assert.Equal((24, 16), (width, height));
    }

    [Fact]
    public void BatchGivesOnePngPerImage()
    {
        using var scope = NewDisposeScope();
        var (first, a) = RandomImage(2, 8, 8);
        var (second, b) = RandomImage(3, 8, 8);
        var pngs = ImageFileWriter.EncodeBatch(stack([a, b]), [Provenance(8, 8, seed: 1), Provenance(8, 8, seed: 2)], ImageOutput.Png);
        Assert.Equal(first, DecodePixels(pngs[0], out _, out _));
        Assert.Equal(second, DecodePixels(pngs[1], out _, out _));
        Assert.Contains(PngChunks.Texts(pngs[1]), c => c is { Keyword: "seed", Text: "2" });
    }

    [Fact]
    public void ABatchingServersModeIsItsOwnChunkAndPartOfTheParameters()
    {
        using var scope = NewDisposeScope();
        var provenance = Provenance(8, 4) with { Batching = "rows-in-flight" };
        var png = ImageFileWriter.Encode(RandomImage(4, 8, 4).Image, provenance, ImageOutput.Png);

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
        var png = ImageFileWriter.Encode(RandomImage(4, 8, 4).Image, provenance, ImageOutput.Png);

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
        var first = ImageFileWriter.Encode(image, Provenance(16, 16), ImageOutput.Png);
        var again = ImageFileWriter.Encode(image.clone(), Provenance(16, 16), ImageOutput.Png);
        var otherSeed = ImageFileWriter.Encode(image, Provenance(16, 16, seed: 43), ImageOutput.Png);
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.DoesNotContain(PngChunks.Read(first), c => c.Type is "tIME" or "pHYs" or "gAMA");
    }

    [Fact]
    public void AcceptsBatchOfOne()
    {
        using var scope = NewDisposeScope();
        var (expected, image) = RandomImage(6, 8, 8);
        Assert.Equal(expected, DecodePixels(ImageFileWriter.Encode(image.unsqueeze(0), Provenance(8, 8), ImageOutput.Png), out _, out _));
    }

    [Fact]
    public void RejectsBadInput()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("(B, 3, H, W)", Assert.Throws<ArgumentException>(
            () => ImageFileWriter.EncodeBatch(zeros(3, 8, 8), [Provenance(8, 8)], ImageOutput.Png)).Message);
        Assert.Contains("8x8", Assert.Throws<ArgumentException>(() => ImageFileWriter.Encode(zeros(3, 8, 8), Provenance(16, 8), ImageOutput.Png)).Message);
        Assert.Contains("2 provenance", Assert.Throws<ArgumentException>(
            () => ImageFileWriter.EncodeBatch(zeros(3, 3, 8, 8), [Provenance(8, 8), Provenance(8, 8)], ImageOutput.Png)).Message);
    }
}
