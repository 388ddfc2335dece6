using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Tests.Shapes;

public sealed class ShapeDataTests
{
    [Fact]
    public void The_same_seed_gives_the_same_scenes_and_pixels()
    {
        var first = new ShapeSceneGenerator(42).Take(50);
        var second = new ShapeSceneGenerator(42).Take(50);
        Assert.Equal(first, second);
        Assert.Equal(ShapeRenderer.Render(first[7]), ShapeRenderer.Render(second[7]));
        Assert.NotEqual(first, new ShapeSceneGenerator(43).Take(50));
    }

    [Fact]
    public void The_held_out_split_is_at_least_a_tenth_and_never_drawn_for_training()
    {
        var all = ShapeAttributes.All;
        var heldOut = ShapeSplits.Combinations(ShapeSplit.HeldOut);
        var seen = ShapeSplits.Combinations(ShapeSplit.Seen);
        Assert.Equal(8 * 7 * 3 * 9 * 2, all.Count);
        Assert.Equal(all.Count, heldOut.Count + seen.Count);
        Assert.InRange(heldOut.Count / (double)all.Count, 0.10, 0.15);
        Assert.Empty(heldOut.Intersect(seen));

        var drawn = new ShapeSceneGenerator(1).Take(5000).Select(s => s.Attributes).ToHashSet();
        Assert.Empty(drawn.Intersect(heldOut));
        // Every single attribute value still occurs in training: held-out scenes test composition only.
        Assert.Equal(8, seen.Select(a => a.Object).Distinct().Count());
        Assert.Equal(8, seen.Select(a => a.Background).Distinct().Count());
        Assert.Equal(9, seen.Select(a => a.Position).Distinct().Count());
    }

    [Fact]
    public void A_caption_names_every_attribute()
    {
        var attributes = new ShapeAttributes(4, 0, ShapeKind.Circle, new ShapePosition(0, 0), ShapeSize.Small);
        Assert.Equal("a small red circle at the top left on a blue background", attributes.Caption);
        Assert.Equal(ShapeAttributes.All.Count, ShapeAttributes.All.Select(a => a.Caption).Distinct().Count());
    }

    [Fact]
    public void The_background_is_the_plain_palette_colour_and_only_the_edge_is_blended()
    {
        var attributes = new ShapeAttributes(7, 6, ShapeKind.Circle, new ShapePosition(1, 1), ShapeSize.Large);
        var pixels = ShapeRenderer.Render(ShapeScene.Centered(attributes));
        Assert.Equal(new byte[] { 20, 20, 20 }, pixels[..3]);
        var center = (32 * 64 + 32) * 3;
        Assert.Equal(new byte[] { 240, 240, 240 }, pixels[center..(center + 3)]);
        var blended = Enumerable.Range(0, 64 * 64).Where(i => pixels[i * 3] is > 20 and < 240).ToList();
        Assert.NotEmpty(blended);
        // Every partly covered pixel straddles the circle of radius 9 around (32, 32).
        Assert.All(blended, i => Assert.InRange(Math.Sqrt(Math.Pow(i % 64 + 0.5 - 32, 2) + Math.Pow(i / 64 + 0.5 - 32, 2)), 8.2, 9.8));
    }

    [Fact]
    public void The_tensor_form_is_the_rendering_scaled_to_minus_one_one()
    {
        var scene = new ShapeSceneGenerator(3).Next();
        using var batch = ShapeRenderer.ToTensor([scene]);
        Assert.Equal(new long[] { 1, 3, 64, 64 }, batch.shape);
        var pixels = ShapeRenderer.Render(scene);
        var green = batch[0, 1, 10, 20].item<float>();
        Assert.Equal(pixels[(10 * 64 + 20) * 3 + 1] / 127.5f - 1f, green, 6);
    }
}
