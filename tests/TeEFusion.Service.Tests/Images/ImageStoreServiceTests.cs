using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Tests.Redis;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Service.Tests.Images;

/// <summary>The service with its images in a shared store: real replicas, a real redis-server, a real s3rver and a real directory.</summary>
[Collection("Sequential")]
public sealed class ImageStoreServiceTests(ImageStoreFixture fixture) : IClassFixture<ImageStoreFixture>, IDisposable
{
    /// <summary>The target for what Redis keeps per finished job once the images live elsewhere (here: 2 steps).</summary>
    private const long MaxRedisBytesPerJob = 2048;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "teefusion-images-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("S3")]
    [InlineData("FileSystem")]
    public async Task A_job_made_on_A_is_served_by_B_from_the_shared_store_and_Redis_keeps_under_2_KB_of_it(string provider)
    {
        var prefix = RedisReplicas.NewPrefix();
        var store = StoreSettings(provider, prefix);
        // As docs/image-store.md has operators set it (deploy/components/redis does): the job's hash then stays a listpack
        // although its spec field is longer than Redis's default 64 bytes, which halves what the hash takes.
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(fixture.Replicas.Redis.ConnectionString + ",allowAdmin=true"))
            await admin.GetServer(admin.GetEndPoints()[0]).ConfigSetAsync("hash-max-listpack-value", "1024");
        await using var a = await fixture.Replicas.StartAsync(prefix, settings: store);
        await using var b = await fixture.Replicas.StartAsync(prefix, settings: store);
        var (clientA, clientB) = (a.CreateClient(), b.CreateClient());

        var id = (await JobApi.CreateJobAsync(clientA, JobApi.Body(steps: 2, seed: 11))).GetProperty("id").GetString()!;
        await JobApi.WaitForStateAsync(clientB, id, "succeeded");

        var response = await clientB.GetAsync($"/v1/jobs/{id}/images/0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var png = await response.Content.ReadAsByteArrayAsync();
        JobApi.AssertPng(png, 32, 32);
        Assert.Equal(png, await clientA.GetByteArrayAsync($"/v1/jobs/{id}/images/0"));
        await ProblemAssert.IsProblemAsync(await clientB.GetAsync($"/v1/jobs/{id}/images/1"), HttpStatusCode.NotFound);

        // What Redis keeps of the finished job: its hash and its events, no images (the benchmark's own measure).
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Replicas.Redis.ConnectionString))
            Assert.False(await redis.GetDatabase().KeyExistsAsync($"{prefix}:job:{id}:images"));
        Assert.InRange((await RedisFootprint.BytesPerFinishedJobAsync(fixture.Replicas.Redis.ConnectionString, prefix))!.Value, 1, MaxRedisBytesPerJob);

        // The synchronous endpoint reads the same store: the same request (same seed) gives the same file.
        var sync = await JobApi.JsonAsync(await clientB.PostAsJsonAsync("/v1/images/generations", JobApi.Body(steps: 2, seed: 11)));
        Assert.Equal(png, Convert.FromBase64String(sync.GetProperty("data")[0].GetProperty("b64_json").GetString()!));
    }

    [Fact]
    public async Task With_redirect_an_image_is_a_302_to_a_presigned_url_and_url_responses_say_when_they_expire()
    {
        await using var service = await StartInProcessAsync([.. fixture.S3.ReplicaSettings(RedisReplicas.NewPrefix()),
            ("ImageStore:Redirect", "true"), ("ImageStore:UrlExpirySeconds", "900")]);
        var client = service.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var outside = new HttpClient();

        var id = (await JobApi.CreateJobAsync(client, JobApi.Body(steps: 2, seed: 5))).GetProperty("id").GetString()!;
        await JobApi.WaitForStateAsync(client, id, "succeeded");
        var redirect = await client.GetAsync($"/v1/jobs/{id}/images/0");

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!;
        Assert.StartsWith(fixture.S3.ServiceUrl + "/" + S3Server.Bucket + "/", location.AbsoluteUri);
        var fetched = await outside.GetAsync(location);
        Assert.Equal("image/png", fetched.Content.Headers.ContentType?.MediaType);
        var png = await fetched.Content.ReadAsByteArrayAsync();
        JobApi.AssertPng(png, 32, 32);

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var sync = await JobApi.JsonAsync(await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(steps: 2, seed: 5, responseFormat: "url")));
        var data = sync.GetProperty("data")[0];
        Assert.InRange(data.GetProperty("expires_at").GetInt64(), before + 900, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 900);
        Assert.Equal(png, await outside.GetByteArrayAsync(data.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task Without_redirect_url_responses_are_the_services_own_and_carry_no_expiry()
    {
        await using var service = await StartInProcessAsync(StoreSettings("FileSystem", "unused"));
        var client = service.CreateClient();

        var sync = await JobApi.JsonAsync(await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(steps: 2, responseFormat: "url")));

        var data = sync.GetProperty("data")[0];
        Assert.False(data.TryGetProperty("expires_at", out _));
        JobApi.AssertPng(await client.GetByteArrayAsync(data.GetProperty("url").GetString()), 32, 32);
    }

    [Theory]
    [InlineData("InProcess")]
    [InlineData("Redis")]
    public async Task An_unreachable_store_fails_the_job_with_image_store_unavailable_after_its_retries_and_the_worker_goes_on(string jobs)
    {
        using var s3 = new S3Server();
        var logs = new CapturedLogs();
        var prefix = RedisReplicas.NewPrefix();
        var settings = new Dictionary<string, string?>(s3.ReplicaSettings(prefix).Select(s => KeyValuePair.Create(s.Key, s.Value)))
        {
            ["ImageStore:Retries"] = "2",
            ["ImageStore:RetryDelayMilliseconds"] = "10",
            ["ImageStore:TimeoutSeconds"] = "2",
        };
        if (jobs == "Redis")
            foreach (var (key, value) in fixture.Replicas.Redis.ReplicaSettings(prefix)) settings[key] = value;
        await using var service = new ServiceFactory(fixture.Replicas.Model.Path, settings, s => s.AddSingleton<ILoggerProvider>(logs));
        Assert.Equal(Models.ModelHostState.Ready, await service.WaitForModelAsync());
        var client = service.CreateClient();
        s3.Stop();

        var failed = await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(steps: 2));

        var problem = await ProblemAssert.IsProblemAsync(failed, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("image_store_unavailable", problem.GetProperty("code").GetString());
        Assert.Equal("Image store unavailable", problem.GetProperty("title").GetString());
        var id = problem.GetProperty("job_id").GetString()!;
        var job = await JobApi.GetJobAsync(client, id);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        Assert.Equal("image_store_unavailable", job.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(2, logs.Messages.Count(m => m.Contains("An image store call failed", StringComparison.Ordinal)));
        Assert.Empty(job.GetProperty("images").EnumerateArray());

        s3.Start();
        var ok = await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(steps: 2));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var b64 = (await JobApi.JsonAsync(ok)).GetProperty("data")[0].GetProperty("b64_json").GetString()!;
        JobApi.AssertPng(Convert.FromBase64String(b64), 32, 32);
    }

    [Fact]
    public async Task Stored_images_expire_with_the_jobs_result_ttl()
    {
        await using var service = await StartInProcessAsync([.. StoreSettings("FileSystem", "unused"),
            ("Queue:ResultTtlSeconds", "3"), ("ImageStore:SweepIntervalSeconds", "1")]);
        var client = service.CreateClient();

        var id = (await JobApi.CreateJobAsync(client, JobApi.Body(steps: 2))).GetProperty("id").GetString()!;
        await JobApi.WaitForStateAsync(client, id, "succeeded");
        var file = Path.Combine(_root, id, "0");
        Assert.True(File.Exists(file));

        Assert.True(await ServiceFactory.EventuallyAsync(() => Task.FromResult(!Directory.Exists(Path.Combine(_root, id))), JobApi.Patience));
        await ProblemAssert.IsProblemAsync(await client.GetAsync($"/v1/jobs/{id}/images/0"), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("..%2F..%2Fetc%2Fpasswd")]
    [InlineData("job_..%2F..%2Fetc")]
    [InlineData("job_0193c1f0a2b34c5d8e9f00112233aabb%2F..%2F..")]
    public async Task A_hostile_job_id_in_the_image_path_is_a_404_problem(string id)
    {
        await using var service = await StartInProcessAsync(StoreSettings("FileSystem", "unused"));

        await ProblemAssert.IsProblemAsync(await service.CreateClient().GetAsync($"/v1/jobs/{id}/images/0"), HttpStatusCode.NotFound);

        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private (string Key, string? Value)[] StoreSettings(string provider, string prefix) => provider == "S3"
        ? fixture.S3.ReplicaSettings(prefix)
        : [("ImageStore:Provider", "FileSystem"), ("ImageStore:Path", _root)];

    private async Task<ServiceFactory> StartInProcessAsync((string Key, string? Value)[] settings)
    {
        var factory = ServiceFactory.For(fixture.Replicas.Model, settings);
        Assert.Equal(Models.ModelHostState.Ready, await factory.WaitForModelAsync());
        return factory;
    }
}
