using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>
/// What a recipe trains on, drawn deterministically from its seed: jittered single-object scenes of the seen
/// combinations and placed two-object scenes of the seen pairs, each captioned canonically or, for
/// <see cref="TinyShapesRecipe.NaturalCaptionShare"/> of them, in a phrasing of <see cref="ShapePhrasings.Training"/>.
/// The wording split's phrasings and the held-out combinations never occur.
/// </summary>
public static class TinyShapesData
{
    /// <summary>The teacher's images and captions.</summary>
    public static IReadOnlyList<ShapeTrainingExample> TeacherExamples(TinyShapesRecipe recipe)
    {
        var scenes = new Random(unchecked((int)TrainingSeeds.ForStep(recipe.Seed, TrainingSeeds.DatasetScenes, 0)));
        var captions = new Random(unchecked((int)TrainingSeeds.ForStep(recipe.Seed, TrainingSeeds.Captions, 0)));
        var examples = new List<ShapeTrainingExample>();
        foreach (var combination in recipe.TrainingCombinations())
        {
            for (var k = 0; k < recipe.ScenesPerCombination; k++)
                examples.Add(new ShapeTrainingExample(ShapeScene.Jittered(combination, scenes), Caption(recipe, combination, captions)));
        }
        var pairs = ShapeSplits.Pairs(ShapeSplit.Seen);
        for (var i = 0; i < recipe.PairScenes; i++)
        {
            var pair = pairs[scenes.Next(pairs.Count)];
            examples.Add(new ShapeTrainingExample(ShapePairScene.Place(pair, scenes), Caption(recipe, pair, captions)));
        }
        return examples;
    }

    /// <summary>
    /// The student's prompts: every training combination canonically and in one natural phrasing, and a caption of as
    /// many seen pairs as the teacher's set has (at most <see cref="TinyShapesRecipe.PairScenes"/>, every k-th).
    /// </summary>
    public static IReadOnlyList<string> DistillationCaptions(TinyShapesRecipe recipe)
    {
        var captions = new Random(unchecked((int)TrainingSeeds.ForStep(recipe.Seed, TrainingSeeds.Captions, 1)));
        var prompts = new List<string>();
        foreach (var combination in recipe.TrainingCombinations())
        {
            prompts.Add(combination.Caption);
            if (recipe.NaturalCaptionShare > 0) prompts.Add(ShapePhrasings.Training.Caption(combination, captions));
        }
        var pairs = ShapeSplits.Pairs(ShapeSplit.Seen);
        var count = Math.Min(recipe.PairScenes, pairs.Count);
        for (var i = 0; i < count; i++) prompts.Add(Caption(recipe, pairs[(int)((long)i * pairs.Count / count)], captions));
        return prompts;
    }

    private static string Caption(TinyShapesRecipe recipe, ShapeAttributes scene, Random random) =>
        random.NextDouble() < recipe.NaturalCaptionShare ? ShapePhrasings.Training.Caption(scene, random) : scene.Caption;

    private static string Caption(TinyShapesRecipe recipe, ShapePairAttributes scene, Random random) =>
        random.NextDouble() < recipe.NaturalCaptionShare ? ShapePhrasings.Training.Caption(scene, random) : scene.Caption;
}
