using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.Tests.Shapes;

public sealed class ShapeCaptionsTests
{
    private static readonly ShapePhrasing Training = ShapePhrasings.Training;
    private static readonly ShapePhrasing Wording = ShapePhrasings.Wording;

    [Fact]
    public void The_canonical_captions_are_unchanged()
    {
        var attributes = new ShapeAttributes(4, 0, ShapeKind.Circle, new ShapePosition(0, 0), ShapeSize.Small);
        Assert.Equal("a small red circle at the top left on a blue background", attributes.Caption);
        var pair = new ShapePairAttributes(3, new ShapeObject(0, ShapeKind.Circle, ShapeSize.Small), new ShapeObject(4, ShapeKind.Square, ShapeSize.Large),
            ShapeRelation.LeftOf);
        Assert.Equal("a small red circle left of a large blue square on a green background", pair.Caption);
    }

    [Fact]
    public void By_construction_no_wording_marker_is_a_training_word_and_every_wording_phrase_holds_one()
    {
        var trainingWords = Training.Words().ToHashSet();
        Assert.DoesNotContain(Wording.MarkerWords, trainingWords.Contains);
        Assert.DoesNotContain(Training.MarkerWords, Wording.Words().ToHashSet().Contains);

        var phrases = new[] { Wording.Templates, Wording.PairTemplates, Wording.SmallWords, Wording.LargeWords, Wording.Corners, Wording.Edges,
                Wording.Centres, Wording.Backgrounds, Wording.Backdrops, Wording.Prefixes, Wording.Suffixes }
            .SelectMany(bank => bank).Concat(Wording.Relations.SelectMany(r => r))
            .Where(phrase => phrase.Length > 0);
        Assert.All(phrases, phrase => Assert.Contains(ShapeCaptionText.Words(phrase), Wording.MarkerWords.Contains));
        Assert.Empty(Wording.Templates.Intersect(Training.Templates));
    }

    [Fact]
    public void By_enumeration_no_training_caption_holds_a_wording_marker_and_every_wording_caption_does()
    {
        var random = new Random(3);
        var markers = Wording.MarkerWords.ToHashSet();
        var pairs = ShapeSplits.Pairs(ShapeSplit.Seen);
        var training = ShapeAttributes.All.SelectMany(a => Enumerable.Range(0, 8).Select(_ => Training.Caption(a, random)))
            .Concat(Enumerable.Range(0, 20000).Select(_ => Training.Caption(pairs[random.Next(pairs.Count)], random)))
            .ToList();
        Assert.Empty(training.Where(c => ShapeCaptionText.Words(c).Any(markers.Contains)).Take(3));

        var wording = ShapeAttributes.All.Select(a => Wording.Caption(a, random));
        Assert.All(wording, caption => Assert.Contains(ShapeCaptionText.Words(caption), markers.Contains));
    }

    [Fact]
    public void Natural_captions_vary_the_wording_but_name_every_attribute()
    {
        var random = new Random(5);
        var scene = new ShapeAttributes(1, 4, ShapeKind.Triangle, new ShapePosition(2, 0), ShapeSize.Large);
        var captions = Enumerable.Range(0, 400).Select(_ => Training.Caption(scene, random)).ToList();

        Assert.InRange(captions.Distinct().Count(), 100, 400);
        Assert.All(captions, c =>
        {
            var words = ShapeCaptionText.Words(c).ToList();
            Assert.Contains("orange", words);
            Assert.Contains("blue", words);
            Assert.Contains("triangle", words);
            Assert.Contains(words, w => w is "bottom" or "lower");
            Assert.Contains("left", words);
            Assert.Contains(words, w => w is "large" or "big");
        });
        // "an" before a vowel: the orange-background prompts.
        Assert.Contains(captions, c => c.Contains("an orange background", StringComparison.Ordinal));
        Assert.DoesNotContain(captions, c => c.Contains("a orange", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("a orange circle on a blue background", "an orange circle on a blue background")]
    [InlineData("An blue square", "A blue square")]
    [InlineData("draw an small dot", "draw a small dot")]
    public void Articles_follow_the_next_word(string text, string expected) => Assert.Equal(expected, ShapeCaptionText.FixArticles(text));
}
