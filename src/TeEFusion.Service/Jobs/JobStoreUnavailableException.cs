namespace TeEFusion.Service.Jobs;

/// <summary>The shared job store could not be reached (after retries); requests that need it are answered with 503.</summary>
public sealed class JobStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
