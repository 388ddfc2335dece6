using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Tests.Shapes;

public sealed class ShapePairDetectorTests
{
    [Fact]
    public void It_reads_at_least_99_percent_of_clean_two_object_renders_right_on_every_attribute()
    {
        var random = new Random(11);
        var pairs = ShapePairAttributes.All.ToList();
        var scenes = Enumerable.Range(0, 3000).Select(_ => ShapePairScene.Place(pairs[random.Next(pairs.Count)], random)).ToList();
        DetectorScore.AssertAtLeast99Percent(scenes, scene => ShapeDetector.DetectPair(ShapeRenderer.Render(scene))?.Mismatches(scene.Attributes) ?? ["no pair"]);
    }

    [Fact]
    public void Swapped_objects_are_a_wrong_relation_and_nothing_else()
    {
        var expected = new ShapePairAttributes(3, new ShapeObject(0, ShapeKind.Circle, ShapeSize.Small), new ShapeObject(4, ShapeKind.Square, ShapeSize.Large),
            ShapeRelation.LeftOf);
        var swapped = expected with { Relation = ShapeRelation.RightOf };
        var rendered = ShapeDetector.DetectPair(ShapeRenderer.Render(ShapePairScene.Place(swapped, new Random(1))));

        Assert.NotNull(rendered);
        Assert.Equal(["position"], rendered.Mismatches(expected));
        Assert.Empty(rendered.Mismatches(swapped));
    }

    [Fact]
    public void One_object_is_not_a_pair()
    {
        var single = ShapeScene.Centered(new ShapeAttributes(4, 0, ShapeKind.Circle, new ShapePosition(1, 1), ShapeSize.Large));
        Assert.Null(ShapeDetector.DetectPair(ShapeRenderer.Render(single)));
    }

    [Fact]
    public void The_held_out_pairs_are_about_an_eighth_and_never_drawn_for_training()
    {
        var (seen, heldOut) = (ShapeSplits.Pairs(ShapeSplit.Seen), ShapeSplits.Pairs(ShapeSplit.HeldOut));
        Assert.Equal(8 * 7 * 6 * 9 * 4 * 4, seen.Count + heldOut.Count);
        Assert.InRange(heldOut.Count / (double)(seen.Count + heldOut.Count), 0.10, 0.15);
        var recipe = TeEFusion.Tooling.TinyShapes.TinyShapesRecipe.Full with { ScenesPerCombination = 1, PairScenes = 3000 };
        var drawn = TeEFusion.Tooling.TinyShapes.TinyShapesData.TeacherExamples(recipe).Select(e => e.Scene).OfType<ShapePairScene>().ToList();
        Assert.Equal(3000, drawn.Count);
        Assert.All(drawn, scene => Assert.Equal(ShapeSplit.Seen, ShapeSplits.Of(scene.Attributes)));
    }
}
