namespace TeEFusion.Tooling.Shapes;

/// <summary>What <see cref="ShapeDetector"/> read off an image, with the measurements behind it.</summary>
/// <param name="Attributes">The detected attributes; null when no object stands out from the background.</param>
/// <param name="Area">Object area in pixels (sum of per-pixel coverage).</param>
/// <param name="BoxWidth">Width of the object's box in pixels, from its column coverage profile.</param>
/// <param name="BoxHeight">Height of that box, from its row profile.</param>
/// <param name="Fill">Area over box area: about 1 for a square, π/4 for a circle, 1/2 for a triangle.</param>
/// <param name="MassOffset">How far the centre of mass sits below the box's centre, in box heights (1/6 for a triangle).</param>
public sealed record ShapeDetection(ShapeAttributes? Attributes, double Area, double BoxWidth, double BoxHeight, double Fill, double MassOffset);
