using System.Collections.Frozen;
using System.Text.Json;

namespace TeEFusion.Service.Jobs;

/// <summary>
/// The one table of what each <see cref="JobErrorCode"/> is called and what a synchronous request answers with when its
/// job ended that way.
/// </summary>
public static class JobErrorCodes
{
    private static readonly FrozenDictionary<JobErrorCode, (int Status, string Title)> Http = new Dictionary<JobErrorCode, (int, string)>
    {
        [JobErrorCode.Timeout] = (StatusCodes.Status504GatewayTimeout, "Job timed out"),
        [JobErrorCode.CircuitOpen] = (StatusCodes.Status503ServiceUnavailable, "Device unavailable"),
        [JobErrorCode.OutOfMemory] = (StatusCodes.Status500InternalServerError, "Generation failed"),
        [JobErrorCode.ModelUnavailable] = (StatusCodes.Status503ServiceUnavailable, "Model unavailable"),
        [JobErrorCode.EncodeError] = (StatusCodes.Status500InternalServerError, "Generation failed"),
        [JobErrorCode.DeviceError] = (StatusCodes.Status500InternalServerError, "Generation failed"),
        [JobErrorCode.Canceled] = (StatusCodes.Status409Conflict, "Job canceled"),
        [JobErrorCode.Shutdown] = (StatusCodes.Status503ServiceUnavailable, "Shutting down"),
        [JobErrorCode.ImageStoreUnavailable] = (StatusCodes.Status503ServiceUnavailable, "Image store unavailable"),
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, JobErrorCode> ByName =
        Enum.GetValues<JobErrorCode>().ToFrozenDictionary(Name, StringComparer.Ordinal);

    /// <summary>The code as the API spells it (snake_case, e.g. circuit_open).</summary>
    public static string Name(this JobErrorCode code) => JsonNamingPolicy.SnakeCaseLower.ConvertName(code.ToString());

    /// <summary>Reads a stored name back; null for an empty or unknown one (a store written by a newer version).</summary>
    public static JobErrorCode? Parse(string? name) => name is not null && ByName.TryGetValue(name, out var code) ? code : null;

    /// <summary>The HTTP status and title a synchronous request answers with for a job that ended with <paramref name="code"/>.</summary>
    public static (int Status, string Title) HttpProblem(this JobErrorCode code) => Http[code];
}
