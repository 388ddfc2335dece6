using System.Net.Http.Json;
using StackExchange.Redis;
using TeEFusion.Service.Tests.Endpoints;

namespace TeEFusion.Service.Tests.Redis;

/// <summary>The job API's contract against the Redis job store (one replica on a real redis-server), and what Redis holds.</summary>
[Collection("Sequential")]
public sealed class RedisJobEndpointsTests(RunningRedisService service) : JobEndpointsContract(service), IClassFixture<RunningRedisService>
{
    [Fact]
    public async Task OpenAIs_user_is_stored_nowhere_in_redis_even_with_an_idempotency_key()
    {
        var body = JobApi.Body(seed: 47);
        body["user"] = "end-user-4711";
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", "user-not-stored");
        var id = (await JobApi.JsonAsync(await service.Client.SendAsync(request))).GetProperty("id").GetString()!;
        await JobApi.WaitForStateAsync(service.Client, id, "succeeded");

        await using var redis = await ConnectionMultiplexer.ConnectAsync(service.Redis!.ConnectionString);
        var database = redis.GetDatabase();
        var values = new List<string>();
        foreach (var key in redis.GetServers().Single().Keys(pattern: "*"))
        {
            values.Add(key.ToString());
            values.AddRange(await database.KeyTypeAsync(key) switch
            {
                RedisType.Hash => (await database.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}"),
                RedisType.List => (await database.ListRangeAsync(key)).Select(v => v.ToString()),
                RedisType.String => [(await database.StringGetAsync(key)).ToString()],
                RedisType.SortedSet => (await database.SortedSetRangeByRankAsync(key)).Select(v => v.ToString()),
                RedisType.Set => (await database.SetMembersAsync(key)).Select(v => v.ToString()),
                var other => [$"{other} not read"],
            });
        }

        Assert.Contains(values, v => v.Contains(id));
        Assert.DoesNotContain(values, v => v.Contains("not read"));
        Assert.DoesNotContain(values, v => v.Contains("end-user-4711"));
    }
}
