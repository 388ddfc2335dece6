using System.Xml.Linq;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using TeEFusion.Core.Imaging;
using static TeEFusion.Core.Tests.Imaging.TestImages;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Imaging;

[Collection("Sequential")]
public class JpegAndWebpFileTests
{
    private const string Xmp = "urn:teefusion:provenance:1.0";

    public static TheoryData<ImageFormat> LossyFormats() => [ImageFormat.Jpeg, ImageFormat.Webp];

    [Theory]
    [MemberData(nameof(LossyFormats))]
    public void The_file_is_the_format_asked_for_and_keeps_the_pixels_close(ImageFormat format)
    {
        using var scope = NewDisposeScope();
        var (expected, image) = GradientImage(48, 32);

        var file = ImageFileWriter.Encode(image, Provenance(48, 32), new ImageOutput(format));

        if (format == ImageFormat.Jpeg) Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, file[..3]);                  // SOI marker
        else Assert.Equal(("RIFF", "WEBP"), (System.Text.Encoding.ASCII.GetString(file, 0, 4), System.Text.Encoding.ASCII.GetString(file, 8, 4)));
        var decoded = DecodePixels(file, out var width, out var height);
        Assert.Equal((48, 32), (width, height));
        var meanError = decoded.Zip(expected, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanError < 3, $"mean absolute error {meanError} at quality 100");
    }

    [Theory]
    [MemberData(nameof(LossyFormats))]
    public void The_provenance_is_read_back_from_xmp_and_exif_including_non_latin_text(ImageFormat format)
    {
        using var scope = NewDisposeScope();
        const string prompt = "一只红色的圆，在蓝色背景上 🐱 — café & <b>";
        var provenance = Provenance(8, 4, prompt) with { Batching = "padded-4" };

        var file = ImageFileWriter.Encode(RandomImage(4, 8, 4).Image, provenance, new ImageOutput(format, 90));

        Assert.Equal((format, provenance), ImageFileReader.Read(file));
        using var decoded = Image.Load(file);
        var userComment = decoded.Metadata.ExifProfile!.GetValue(ExifTag.UserComment)!.Value;
        Assert.Equal((EncodedString.CharacterCode.Unicode, provenance.ToJson()), (userComment.Code, userComment.Text));
        var properties = decoded.Metadata.XmpProfile!.GetDocument()!.Descendants()
            .Where(e => e.Name.NamespaceName == Xmp).Select(e => (e.Name.LocalName, e.Value)).ToList();
        Assert.Equal(provenance.Fields(), properties);
    }

    [Theory]
    [MemberData(nameof(LossyFormats))]
    public void Control_characters_become_replacement_characters_in_the_fields_and_stay_exact_in_the_parameters(ImageFormat format)
    {
        using var scope = NewDisposeScope();
        var provenance = Provenance(8, 8, "bell\u0007 and\u0001 start");

        var file = ImageFileWriter.Encode(RandomImage(7, 8, 8).Image, provenance, new ImageOutput(format));

        Assert.Equal(provenance, ImageFileReader.Read(file).Provenance);
        using var decoded = Image.Load(file);
        var prompt = decoded.Metadata.XmpProfile!.GetDocument()!.Descendants(XName.Get("prompt", Xmp)).Single().Value;
        Assert.Equal("bell\uFFFD and\uFFFD start", prompt);
    }

    [Theory]
    [MemberData(nameof(LossyFormats))]
    public void Lower_quality_makes_a_smaller_file_and_the_same_input_the_same_bytes(ImageFormat format)
    {
        using var scope = NewDisposeScope();
        var image = RandomImage(5, 64, 64).Image;

        var best = ImageFileWriter.Encode(image, Provenance(64, 64), new ImageOutput(format, 100));
        var again = ImageFileWriter.Encode(image.clone(), Provenance(64, 64), new ImageOutput(format, 100));
        var small = ImageFileWriter.Encode(image, Provenance(64, 64), new ImageOutput(format, 10));

        Assert.Equal(best, again);
        Assert.True(small.Length < best.Length * 0.7, $"quality 10: {small.Length} bytes, quality 100: {best.Length} bytes");
    }

    [Fact]
    public void Jpeg_quality_0_encodes_as_its_lowest_quality_1()
    {
        using var scope = NewDisposeScope();
        var image = RandomImage(8, 16, 16).Image;

        Assert.Equal(ImageFileWriter.Encode(image, Provenance(16, 16), new ImageOutput(ImageFormat.Jpeg, 1)),
            ImageFileWriter.Encode(image, Provenance(16, 16), new ImageOutput(ImageFormat.Jpeg, 0)));
    }

    [Theory]
    [MemberData(nameof(LossyFormats))]
    public void A_png_re_encoded_is_byte_for_byte_the_file_encoded_from_the_tensor(ImageFormat format)
    {
        using var scope = NewDisposeScope();
        var image = RandomImage(9, 24, 16).Image;
        var provenance = Provenance(24, 16) with { Batching = "rows-in-flight" };
        var png = ImageFileWriter.Encode(image, provenance, ImageOutput.Png);

        Assert.Equal(ImageFileWriter.Encode(image, provenance, new ImageOutput(format, 75)), ImageFileWriter.FromPng(png, new ImageOutput(format, 75)));
        Assert.Same(png, ImageFileWriter.FromPng(png, ImageOutput.Png));
    }

    [Fact]
    public void Reading_a_file_without_provenance_or_not_an_image_is_invalid_data()
    {
        using var plain = new Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(4, 4);
        using var stream = new MemoryStream();
        plain.SaveAsJpeg(stream);

        Assert.Contains("no 'parameters'", Assert.Throws<InvalidDataException>(() => ImageFileReader.Read(stream.ToArray())).Message);
        Assert.Throws<InvalidDataException>(() => ImageFileReader.Read("not an image"u8.ToArray()));
        Assert.Throws<InvalidDataException>(() => ImageFileWriter.FromPng(stream.ToArray(), ImageOutput.Png));
    }
}
