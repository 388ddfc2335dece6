using System.Globalization;
using System.Text.RegularExpressions;

namespace TeEFusion.Service.Images;

/// <summary>
/// The name of one finished image in an <see cref="IImageStore"/>: built only from a server-generated job id (job_ and 32
/// lowercase hex digits, see <see cref="Jobs.JobSubmitter"/>) and the image's index, so a stored name is always
/// "job_…/N": no separator, dot, or other character a client could use to reach another path or object.
/// </summary>
public sealed partial record ImageKey
{
    public ImageKey(string jobId, int index)
    {
        if (!IsJobId(jobId)) throw new ArgumentException($"'{jobId}' is not a job id (job_ and 32 lowercase hex digits).", nameof(jobId));
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        JobId = jobId;
        Index = index;
    }

    public string JobId { get; }

    public int Index { get; }

    /// <summary>"job_…/N": the object key after the store's prefix, or the file's path under the store's root.</summary>
    public string Name => JobId + "/" + Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The key for a job id and index that came from a request; null when they could name no stored image.</summary>
    public static ImageKey? TryCreate(string jobId, int index) => IsJobId(jobId) && index >= 0 ? new ImageKey(jobId, index) : null;

    /// <summary>Reads a <see cref="Name"/> back (a listed object or file); null for anything else found in the store.</summary>
    public static ImageKey? TryParse(string name)
    {
        var match = NamePattern().Match(name);
        return match.Success && int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? new ImageKey(match.Groups[1].Value, index)
            : null;
    }

    private static bool IsJobId(string? id) => id is not null && JobIdPattern().IsMatch(id);

    [GeneratedRegex(@"\Ajob_[0-9a-f]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex JobIdPattern();

    [GeneratedRegex(@"\A(job_[0-9a-f]{32})/(0|[1-9][0-9]{0,8})\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
