namespace TeEFusion.Service.Tests.Observability;

/// <summary>
/// Tests that read metric values run alone: every in-process host's OpenTelemetry provider listens to every meter named
/// TeEFusion.Service in the process, so while other tests' hosts run, a scrape adds up their measurements too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMetricsCollection
{
    public const string Name = "Process-wide metrics";
}
