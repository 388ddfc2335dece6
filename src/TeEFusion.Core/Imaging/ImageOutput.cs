namespace TeEFusion.Core.Imaging;

/// <summary>How an image file is written: its format and, for the lossy formats, the encoder's quality.</summary>
public sealed record ImageOutput
{
    /// <summary>The highest <see cref="Quality"/>, and the default (OpenAI's default output_compression).</summary>
    public const int MaxQuality = 100;

    /// <param name="format">png (lossless), jpeg or webp (lossy).</param>
    /// <param name="quality">
    /// OpenAI's <c>output_compression</c>, 0–100: the JPEG or WebP encoder's quality, so 100 keeps the most detail and makes
    /// the largest file (JPEG's scale starts at 1, so 0 encodes as 1). PNG is lossless and ignores it.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An undefined format or a quality outside 0–100.</exception>
    public ImageOutput(ImageFormat format, int quality = MaxQuality)
    {
        if (!Enum.IsDefined(format)) throw new ArgumentOutOfRangeException(nameof(format), format, "not an image format.");
        ArgumentOutOfRangeException.ThrowIfNegative(quality);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, MaxQuality);
        Format = format;
        Quality = quality;
    }

    /// <summary>
    /// Why a caller's <paramref name="quality"/> cannot go with <paramref name="format"/>, as words that follow the option's
    /// name ("must be between 0 and 100, got 101."), or null when it can. Only the lossy formats take one.
    /// </summary>
    public static string? QualityProblem(ImageFormat format, int quality) =>
        quality is < 0 or > MaxQuality ? $"must be between 0 and {MaxQuality}, got {quality}."
        : format == ImageFormat.Png ? "applies to jpeg and webp only; png is lossless."
        : null;

    /// <summary>PNG, what every image was before formats existed and still is by default.</summary>
    public static ImageOutput Png { get; } = new(ImageFormat.Png);

    public ImageFormat Format { get; }

    public int Quality { get; }
}
