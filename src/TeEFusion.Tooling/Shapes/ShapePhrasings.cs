namespace TeEFusion.Tooling.Shapes;

/// <summary>
/// The two phrasing sets. <see cref="Training"/> is what the bundled model learns from: articles, size synonyms, the
/// centre in both spellings, corner and edge phrases with several prepositions, the background first or last, lead-ins,
/// endings and punctuation, and made-up noise words. <see cref="Wording"/> is ShapeBench's wording split: sentence
/// templates, prepositions, size and background phrases and lead-ins that no training caption contains. Each set's
/// <see cref="ShapePhrasing.MarkerWords"/> are words only it uses; every template and phrase of the wording set holds
/// one of its markers (or a structure training never uses), and no training phrase holds one, so no training caption
/// can contain a wording-split phrase. The tests check both by construction and by enumerating captions.
/// </summary>
public static class ShapePhrasings
{
    /// <summary>The phrasings training draws from (the canonical caption is one of them).</summary>
    public static ShapePhrasing Training { get; } = new(
        Name: "training",
        Templates:
        [
            "{object} {position} {background}",
            "{object} {background} {position}",
            "{backdrop}, {object} {position}",
            "{backdrop} with {object} {position}",
            "{position}, {object} {background}",
        ],
        PairTemplates:
        [
            "{first} {relation} {second} {background}",
            "{backdrop}, {first} {relation} {second}",
            "{backdrop} with {first} {relation} {second}",
        ],
        SmallWords: ["small", "little", "tiny"],
        LargeWords: ["large", "big"],
        Corners: ["at the {v} {h}", "in the {v} {h}", "in the {v} {h} corner", "at the {v}-{h}", "in the {v}-{h} corner", "{v} {h}"],
        Edges: ["at the {side}", "on the {side}", "at the {side} edge", "on the {side} side", "at the {side} side", "{side}"],
        Centres: ["in the center", "in the centre", "at the center", "at the centre", "in the middle", "centered", "centred"],
        Backgrounds: ["on a {color} background", "on the {color} background", "against a {color} background", "with a {color} background", "on {color}"],
        Backdrops: ["a {color} background", "{color} background", "on a {color} background"],
        Relations:
        [
            ["left of", "to the left of", "on the left of"],
            ["right of", "to the right of", "on the right of"],
            ["above", "on top of"],
            ["below", "under", "beneath"],
        ],
        Prefixes: ["", "", "", "a picture of ", "an image of ", "draw ", "please draw ", ShapePhrasing.NoiseSlot + " "],
        Suffixes: ["", "", "", ".", "!", ", please", " " + ShapePhrasing.NoiseSlot],
        Verticals: [["top", "upper"], [], ["bottom", "lower"]],
        MarkerWords: ["picture", "image", "draw", "please", "little", "tiny", "big", "corner", "edge", "side", "middle", "centered", "centred",
            "against", "with", "upper", "lower", "under", "beneath"]);

    /// <summary>The phrasings only ShapeBench's wording split uses.</summary>
    public static ShapePhrasing Wording { get; } = new(
        Name: "wording",
        Templates:
        [
            "there is {object} {position} {background}",
            "{object} sits {position} {background}",
            "{backdrop}: {object} shown {position}",
            "{object} {background}, placed {position}",
        ],
        PairTemplates: ["there is {first} {relation} {second} {background}"],
        SmallWords: ["small-sized", "small-scale"],
        LargeWords: ["large-sized", "large-scale"],
        Corners: ["toward the {v} {h}", "near the {v} {h}", "in the {v} {h} area", "in the {v} {h} region"],
        Edges: ["toward the {side}", "near the {side}", "in the {side} area", "in the {side} region"],
        Centres: ["toward the center", "near the centre", "in the center area", "in the central region"],
        Backgrounds: ["over a {color} backdrop", "and {color} behind it", "on a plain {color} backdrop"],
        Backdrops: ["a {color} backdrop", "plain {color} backdrop"],
        Relations: [["just left of"], ["just right of"], ["directly above"], ["directly below"]],
        Prefixes: ["", "in this illustration, ", "here, "],
        Suffixes: ["", ", thank you", ", if you can"],
        Verticals: [["top"], [], ["bottom"]],
        MarkerWords: ["there", "is", "sits", "shown", "placed", "sized", "scale", "toward", "near", "area", "region", "central", "backdrop",
            "behind", "and", "it", "plain", "just", "directly", "this", "illustration", "here", "thank", "you", "if", "can"]);
}
