namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// One set of ways to say what a scene shows: sentence templates over the slots {object}, {position}, {background}
/// and {backdrop} (the background as a sentence's lead), and the phrase banks that fill them. <see cref="ShapePhrasings"/>
/// has the two sets: the one training draws from and the disjoint one only the wording split of ShapeBench uses.
/// Colour and shape words, the cell words (top, left, centre, …) and articles are shared: the text encoders have no
/// language prior, so a content word never seen in training cannot mean anything to the model.
/// </summary>
/// <param name="Name">"training" or "wording".</param>
/// <param name="Templates">Single-object sentences; every slot appears once.</param>
/// <param name="PairTemplates">Two-object sentences over {first}, {relation}, {second}, {background}, {backdrop}.</param>
/// <param name="SmallWords">Words for <see cref="ShapeSize.Small"/>.</param>
/// <param name="LargeWords">Words for <see cref="ShapeSize.Large"/>.</param>
/// <param name="Corners">Corner phrases over {v} (top/bottom…) and {h} (left/right).</param>
/// <param name="Edges">Edge-middle phrases over {side} (top, left, …).</param>
/// <param name="Centres">Phrases for the middle cell.</param>
/// <param name="Backgrounds">Phrases for the {background} slot over {color}.</param>
/// <param name="Backdrops">Phrases for the {backdrop} slot (a sentence's lead) over {color}.</param>
/// <param name="Relations">Phrases per relation, in <see cref="ShapeRelation"/> order.</param>
/// <param name="Prefixes">Harmless lead-ins ("" included).</param>
/// <param name="Suffixes">Harmless endings ("" included).</param>
/// <param name="Verticals">Words for the top and bottom rows, in row order (index 1 unused).</param>
/// <param name="MarkerWords">The words only this set uses: <see cref="ShapePhrasings"/> proves the sets' markers never meet.</param>
public sealed record ShapePhrasing(
    string Name,
    IReadOnlyList<string> Templates,
    IReadOnlyList<string> PairTemplates,
    IReadOnlyList<string> SmallWords,
    IReadOnlyList<string> LargeWords,
    IReadOnlyList<string> Corners,
    IReadOnlyList<string> Edges,
    IReadOnlyList<string> Centres,
    IReadOnlyList<string> Backgrounds,
    IReadOnlyList<string> Backdrops,
    IReadOnlyList<IReadOnlyList<string>> Relations,
    IReadOnlyList<string> Prefixes,
    IReadOnlyList<string> Suffixes,
    IReadOnlyList<IReadOnlyList<string>> Verticals,
    IReadOnlyList<string> MarkerWords)
{
    /// <summary>In a prefix or suffix: a made-up word (<see cref="ShapeCaptionText.NoiseWord"/>).</summary>
    public const string NoiseSlot = "{noise}";

    private static readonly string[] Horizontals = ["left", "", "right"];

    /// <summary>A caption of <paramref name="scene"/> in a phrasing drawn from <paramref name="random"/>.</summary>
    public string Caption(ShapeAttributes scene, Random random)
    {
        var sentence = Pick(Templates, random)
            .Replace("{object}", ObjectPhrase(new ShapeObject(scene.Object, scene.Shape, scene.Size), random))
            .Replace("{position}", PositionPhrase(scene.Position, random));
        return Finish(FillBackground(sentence, scene.Background, random), random);
    }

    /// <summary>A caption of a two-object scene in a phrasing drawn from <paramref name="random"/>.</summary>
    public string Caption(ShapePairAttributes scene, Random random)
    {
        var sentence = Pick(PairTemplates, random)
            .Replace("{first}", ObjectPhrase(scene.First, random))
            .Replace("{relation}", Pick(Relations[(int)scene.Relation], random))
            .Replace("{second}", ObjectPhrase(scene.Second, random));
        return Finish(FillBackground(sentence, scene.Background, random), random);
    }

    /// <summary>Every word any caption of this set can contain besides colours and shapes, lower case.</summary>
    public IEnumerable<string> Words() =>
        new[] { Templates, PairTemplates, SmallWords, LargeWords, Corners, Edges, Centres, Backgrounds, Backdrops, Prefixes, Suffixes }
            .SelectMany(bank => bank)
            .Concat(Relations.SelectMany(r => r))
            .Concat(Verticals.SelectMany(v => v))
            .Concat(Horizontals)
            .Concat(["a", "an", "the", "one"])
            .SelectMany(ShapeCaptionText.Words)
            .Where(w => !w.StartsWith('{'))
            .Distinct(StringComparer.Ordinal);

    private string ObjectPhrase(ShapeObject shape, Random random)
    {
        var size = Pick(shape.Size == ShapeSize.Small ? SmallWords : LargeWords, random);
        var words = $"{size} {ShapePalette.Colors[shape.Color].Name} {shape.Shape.ToString().ToLowerInvariant()}";
        return random.Next(4) switch
        {
            0 => "the " + words,
            1 => "one " + words,
            _ => ShapeCaptionText.Indefinite(words),
        };
    }

    private string PositionPhrase(ShapePosition position, Random random)
    {
        if (position is { Row: 1, Column: 1 }) return Pick(Centres, random);
        var vertical = position.Row == 1 ? null : Pick(Verticals[position.Row], random);
        var horizontal = Horizontals[position.Column];
        if (vertical is not null && horizontal.Length > 0)
        {
            return Pick(Corners, random).Replace("{v}", vertical).Replace("{h}", horizontal);
        }
        return Pick(Edges, random).Replace("{side}", vertical ?? horizontal);
    }

    private string FillBackground(string sentence, int background, Random random)
    {
        var color = ShapePalette.Colors[background].Name;
        string Fill(IReadOnlyList<string> bank) => ShapeCaptionText.FixArticles(Pick(bank, random).Replace("{color}", color));
        return sentence.Replace("{background}", Fill(Backgrounds)).Replace("{backdrop}", Fill(Backdrops));
    }

    // Lead-in, ending, a made-up word in at most one of them, and sometimes a capital first letter: harmless to the
    // meaning, as people vary them.
    private string Finish(string sentence, Random random)
    {
        var prefix = Pick(Prefixes, random);
        var suffix = Pick(Suffixes.Where(s => !prefix.Contains(NoiseSlot) || !s.Contains(NoiseSlot)).ToArray(), random);
        var text = (ShapeCaptionText.FixArticles(prefix + sentence) + suffix).Replace(NoiseSlot, ShapeCaptionText.NoiseWord(random));
        return random.Next(3) == 0 ? char.ToUpperInvariant(text[0]) + text[1..] : text;
    }

    private static string Pick(IReadOnlyList<string> bank, Random random) => bank[random.Next(bank.Count)];
}
