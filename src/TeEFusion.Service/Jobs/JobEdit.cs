using System.Security.Cryptography;
using System.Text.Json.Serialization;
using TeEFusion.Core.Sampling;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// What makes a job an image edit: the uploaded files as sent (so a shared store can hand the job to another replica, and
/// the worker decodes them when the job starts), the strength, and the uploaded image's size.
/// </summary>
/// <param name="Image">The image file (PNG, JPEG or WebP).</param>
/// <param name="Mask">The mask PNG (fully transparent = repaint), or null for image-to-image.</param>
/// <param name="Strength">In (0, 1]; validated.</param>
/// <param name="ImageWidth">The uploaded image's width (before any resize to the job's size).</param>
/// <param name="ImageHeight">The uploaded image's height.</param>
public sealed record JobEdit(byte[] Image, byte[]? Mask, double Strength, int ImageWidth, int ImageHeight)
{
    /// <summary>Bytes the job store holds for the edit's inputs (they count toward its byte cap).</summary>
    [JsonIgnore]
    public long Bytes => Image.LongLength + (Mask?.LongLength ?? 0);

    [JsonIgnore]
    public bool HasMask => Mask is not null;

    /// <summary>The steps an edit runs of a <paramref name="steps"/>-step schedule.</summary>
    public int RunSteps(int steps) => steps - StrengthSchedule.StartIndex(steps, Strength);

    /// <summary>A hash of the inputs, for the idempotency fingerprint (same key, another image: a different request).</summary>
    public string Fingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Image);
        hash.AppendData(BitConverter.GetBytes(Mask?.Length ?? -1));
        if (Mask is not null) hash.AppendData(Mask);
        hash.AppendData(BitConverter.GetBytes(Strength));
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
