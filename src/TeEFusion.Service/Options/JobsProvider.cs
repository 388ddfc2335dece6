namespace TeEFusion.Service.Options;

/// <summary>The job store and queue behind the API.</summary>
public enum JobsProvider
{
    /// <summary>This process's memory and its own device worker.</summary>
    InProcess,

    /// <summary>A Redis server shared by every replica; each replica's worker claims queued jobs from it.</summary>
    Redis,
}
