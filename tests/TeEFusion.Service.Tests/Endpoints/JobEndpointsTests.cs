namespace TeEFusion.Service.Tests.Endpoints;

/// <summary>The job API's contract against the default, in-process job store.</summary>
[Collection("Sequential")]
public sealed class JobEndpointsTests(RunningService service) : JobEndpointsContract(service), IClassFixture<RunningService>;
