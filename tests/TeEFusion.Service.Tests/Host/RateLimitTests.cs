using System.Net;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Host;

[Collection("Sequential")]
public sealed class RateLimitTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    private const string KeyA = "rate-limit-key-a-0123456789";
    private const string KeyB = "rate-limit-key-b-0123456789";

    [Fact]
    public async Task Each_key_gets_its_own_window_and_the_excess_is_429_with_retry_after_and_problem()
    {
        await using var factory = ServiceFactory.For(model, ("Auth:ApiKeys:0", KeyA), ("Auth:ApiKeys:1", KeyB),
            ("Auth:RateLimitPermits", "2"), ("Auth:RateLimitWindowSeconds", "120"));
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        Task<HttpResponseMessage> Call(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            request.Headers.Add("Authorization", "Bearer " + key);
            return client.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.OK, (await Call(KeyA)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Call(KeyA)).StatusCode);
        var limited = await Call(KeyA);
        await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 120);

        Assert.Equal(HttpStatusCode.OK, (await Call(KeyB)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task No_limit_when_permits_are_zero()
    {
        await using var factory = ServiceFactory.For(model);
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/models")).StatusCode);
    }
}
