namespace TeEFusion.Service.Telemetry;

/// <summary>
/// Scopes that name a job or an API key on every line logged inside them, readable in the simple console format
/// ("=> JobId=job_…") and a field in JSON (<see cref="LogScope"/>).
/// </summary>
public static class LoggerScopeExtensions
{
    public const string JobId = "JobId";

    public const string KeyId = "KeyId";

    public static IDisposable? BeginJobScope(this ILogger logger, string jobId) => logger.BeginPropertyScope(JobId, jobId);

    public static IDisposable? BeginKeyScope(this ILogger logger, string keyId) => logger.BeginPropertyScope(KeyId, keyId);

    /// <summary>A scope of one named value, for what has no helper of its own.</summary>
    public static IDisposable? BeginPropertyScope(this ILogger logger, string name, object? value) =>
        logger.BeginScope(new LogScope(new KeyValuePair<string, object?>(name, value)));
}
