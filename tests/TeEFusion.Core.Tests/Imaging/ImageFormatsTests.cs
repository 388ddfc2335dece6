using TeEFusion.Core.Imaging;

namespace TeEFusion.Core.Tests.Imaging;

public class ImageFormatsTests
{
    [Theory]
    [InlineData(ImageFormat.Png, "png", "image/png", ".png")]
    [InlineData(ImageFormat.Jpeg, "jpeg", "image/jpeg", ".jpg")]
    [InlineData(ImageFormat.Webp, "webp", "image/webp", ".webp")]
    public void Each_format_has_its_api_name_media_type_and_extension(ImageFormat format, string name, string mediaType, string extension)
    {
        Assert.Equal((name, mediaType, extension), (format.Name(), format.MediaType(), format.Extension()));
        Assert.True(ImageFormats.TryParse(name, out var parsed));
        Assert.Equal(format, parsed);
        Assert.Equal(format, ImageFormats.FromFileName("out/picture" + extension.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("jpg")]
    [InlineData("JPEG")]
    [InlineData("gif")]
    [InlineData("")]
    [InlineData(null)]
    public void Only_openais_spellings_parse(string? name) => Assert.False(ImageFormats.TryParse(name, out _));

    [Fact]
    public void Jpeg_has_two_extensions_and_other_names_none()
    {
        Assert.Equal(ImageFormat.Jpeg, ImageFormats.FromFileName("a.jpeg"));
        Assert.Null(ImageFormats.FromFileName("a.gif"));
        Assert.Null(ImageFormats.FromFileName("no-extension"));
    }

    [Fact]
    public void Output_quality_is_0_to_100_and_only_lossy_formats_take_one()
    {
        Assert.Equal(100, ImageOutput.Png.Quality);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageOutput(ImageFormat.Jpeg, 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageOutput(ImageFormat.Webp, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageOutput((ImageFormat)7));
        Assert.Null(ImageOutput.QualityProblem(ImageFormat.Webp, 0));
        Assert.Equal("must be between 0 and 100, got 101.", ImageOutput.QualityProblem(ImageFormat.Jpeg, 101));
        Assert.Equal("applies to jpeg and webp only; png is lossless.", ImageOutput.QualityProblem(ImageFormat.Png, 100));
    }
}
