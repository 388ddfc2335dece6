using System.Net;
using System.Net.Http.Json;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Redis;

/// <summary>Redis going away under a running replica, and coming back (this class's own redis-server is killed).</summary>
[Collection("Sequential")]
public sealed class RedisOutageTests(RedisReplicas replicas) : IClassFixture<RedisReplicas>
{
    [Fact]
    public async Task Without_Redis_readiness_and_requests_answer_503_naming_it_and_both_recover_when_it_is_back()
    {
        await using var replica = await replicas.StartAsync(RedisReplicas.NewPrefix());
        var client = replica.CreateClient();
        Assert.True(await ServiceFactory.EventuallyAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            JobApi.Patience));
        var ready = await JobApi.JsonAsync(await client.GetAsync("/health/ready"));
        Assert.True(ready.GetProperty("job_store").GetProperty("available").GetBoolean());
        Assert.Equal("redis", ready.GetProperty("job_store").GetProperty("provider").GetString());

        replicas.Redis.Stop();

        Assert.True(await ServiceFactory.EventuallyAsync(async () => (await client.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK,
            JobApi.Patience));
        var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);
        Assert.Contains("redis job store is unavailable", problem.GetProperty("detail").GetString());
        Assert.False(problem.GetProperty("checks").GetProperty("job_store").GetProperty("available").GetBoolean());
        var refused = await client.PostAsJsonAsync("/v1/jobs", JobApi.Body());
        var unavailable = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Job store unavailable", unavailable.GetProperty("title").GetString());
        // Clients learn what they can act on; where Redis lives is for the operator's log.
        Assert.DoesNotContain("127.0.0.1", unavailable.GetRawText());
        Assert.DoesNotContain(replicas.Redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), unavailable.GetProperty("detail").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/v1/jobs/job_any"), HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        replicas.Redis.Start();

        Assert.True(await ServiceFactory.EventuallyAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            JobApi.Patience));
        var id = (await JobApi.CreateJobAsync(client, JobApi.Body(steps: 2))).GetProperty("id").GetString()!;
        await JobApi.WaitForStateAsync(client, id, "succeeded");
    }
}
