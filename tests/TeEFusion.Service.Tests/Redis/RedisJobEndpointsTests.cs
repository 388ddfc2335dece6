using TeEFusion.Service.Tests.Endpoints;

namespace TeEFusion.Service.Tests.Redis;

/// <summary>The job API's contract against the Redis job store (one replica on a real redis-server).</summary>
[Collection("Sequential")]
public sealed class RedisJobEndpointsTests(RunningRedisService service) : JobEndpointsContract(service), IClassFixture<RunningRedisService>;
