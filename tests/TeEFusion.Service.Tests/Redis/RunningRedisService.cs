using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Redis;

/// <summary>A <see cref="RunningService"/> whose jobs live in its own redis-server.</summary>
public sealed class RunningRedisService() : RunningService(new RedisServer());
