using System.Globalization;

namespace TeEFusion.Service.Options;

/// <summary>A width and height as written in requests and config: "WxH".</summary>
public readonly record struct ImageSize(int Width, int Height)
{
    /// <summary>Parses "512x512" (case-insensitive x); false for anything else, including non-positive sides.</summary>
    public static bool TryParse(string? text, out ImageSize size)
    {
        size = default;
        var parts = text?.Trim().Split('x', 'X');
        if (parts is not { Length: 2 }
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            || width <= 0 || height <= 0)
            return false;
        size = new ImageSize(width, height);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");
}
