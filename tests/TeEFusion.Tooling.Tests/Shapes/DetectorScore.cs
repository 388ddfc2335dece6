namespace TeEFusion.Tooling.Tests.Shapes;

// Reads clean renders back and asserts the detector's bar: at least 99% fully right, naming what it got wrong otherwise.
internal static class DetectorScore
{
    public static void AssertAtLeast99Percent<TScene>(IReadOnlyList<TScene> scenes, Func<TScene, IReadOnlyList<string>> mismatches)
    {
        var wrong = new Dictionary<string, int>();
        var allRight = 0;
        foreach (var scene in scenes)
        {
            var missed = mismatches(scene);
            foreach (var attribute in missed) wrong[attribute] = wrong.GetValueOrDefault(attribute) + 1;
            if (missed.Count == 0) allRight++;
        }
        var report = string.Join(", ", wrong.Select(w => $"{w.Key}: {w.Value}"));
        Assert.True(allRight >= 0.99 * scenes.Count, $"{allRight}/{scenes.Count} fully right; wrong: {report}");
    }
}
