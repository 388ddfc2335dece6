using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Tests.Shapes;

public sealed class ShapeDetectorTests
{
    [Fact]
    public void It_reads_at_least_99_percent_of_clean_renders_right_on_every_attribute()
    {
        var random = new Random(7);
        var scenes = ShapeAttributes.All.Select(a => ShapeScene.Jittered(a, random)).ToList();
        DetectorScore.AssertAtLeast99Percent(scenes, scene =>
        {
            var detected = ShapeDetector.Detect(ShapeRenderer.Render(scene)).Attributes;
            Assert.NotNull(detected);
            return detected.Mismatches(scene.Attributes);
        });
    }

    [Fact]
    public void A_plain_image_has_no_object()
    {
        var plain = Enumerable.Repeat(new byte[] { 40, 80, 220 }, 64 * 64).SelectMany(p => p).ToArray();
        Assert.Null(ShapeDetector.Detect(plain).Attributes);
    }

    [Fact]
    public void A_buffer_of_the_wrong_size_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ShapeDetector.Detect(new byte[10]));
        Assert.Contains("64x64", error.Message);
    }
}
