namespace TeEFusion.Service.Options;

/// <summary>Where jobs are stored and queued (section "Jobs").</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>InProcess (default: one replica, nothing to install) or Redis (any replica serves any job; see section "Redis").</summary>
    public JobsProvider Provider { get; set; } = JobsProvider.InProcess;
}
