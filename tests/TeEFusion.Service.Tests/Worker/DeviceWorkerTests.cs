using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TeEFusion.Service.Health;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>The worker inside the real service: queue limits, cancellation, drain and faults, seen over HTTP.</summary>
[Collection("Sequential")]
public sealed class DeviceWorkerTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    private async Task<(ServiceFactory Factory, HttpClient Client, DeviceFaultHook Hook)> StartAsync(params (string, string?)[] settings)
    {
        var factory = ServiceFactory.For(model, settings);
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());
        return (factory, client, factory.Services.GetRequiredService<DeviceFaultHook>());
    }

    private static string Id(System.Text.Json.JsonElement job) => job.GetProperty("id").GetString()!;

    [Fact]
    public async Task A_full_queue_answers_429_with_Retry_After_at_once()
    {
        var (factory, client, hook) = await StartAsync(("Queue:Capacity", "1"), ("Queue:RetryAfterSeconds", "7"));
        await using var _ = factory;
        using var gate = new StepGate();
        gate.Install(hook);
        var running = await JobApi.CreateJobAsync(client, JobApi.Body());
        await gate.EnteredAsync();
        var queued = await JobApi.CreateJobAsync(client, JobApi.Body(seed: 8));

        var refused = await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 9)).WaitAsync(TimeSpan.FromSeconds(5));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(0, (await JobApi.GetJobAsync(client, Id(queued))).GetProperty("queue_position").GetInt32());
        var ready = await JobApi.JsonAsync(await client.GetAsync("/health/ready"));
        Assert.Equal(1, ready.GetProperty("queue_depth").GetInt32());
        gate.Open();
        await JobApi.WaitForStateAsync(client, Id(running), "succeeded");
        await JobApi.WaitForStateAsync(client, Id(queued), "succeeded");
    }

    [Fact]
    public async Task Delete_cancels_a_queued_job_at_once_and_a_running_one_at_the_next_step_without_touching_its_batch()
    {
        // Padded, so the batched image can be compared byte for byte with the same request run alone.
        var (factory, client, hook) = await StartAsync(("Batching:MaxBatchSize", "4"), ("Batching:MaxWaitMilliseconds", "300"),
            ("Batching:PadToMaxBatchSize", "true"));
        await using var _ = factory;
        using var gate = new StepGate();
        gate.Install(hook);
        var keep = await JobApi.CreateJobAsync(client, JobApi.Body(prompt: "a lighthouse", seed: 1, steps: 3));
        var drop = await JobApi.CreateJobAsync(client, JobApi.Body(prompt: "a storm", seed: 2, steps: 3));
        await gate.EnteredAsync();                            // both were gathered into the first step
        var waiting = await JobApi.CreateJobAsync(client, JobApi.Body(prompt: "later", seed: 3, steps: 3, size: "48x48"));

        var canceledQueued = await client.DeleteAsync($"/v1/jobs/{Id(waiting)}");
        var cancelingRunning = await client.DeleteAsync($"/v1/jobs/{Id(drop)}");

        Assert.Equal(HttpStatusCode.OK, canceledQueued.StatusCode);
        Assert.Equal("canceled", (await JobApi.JsonAsync(canceledQueued)).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Accepted, cancelingRunning.StatusCode);
        Assert.Equal("running", (await JobApi.JsonAsync(cancelingRunning)).GetProperty("state").GetString());
        gate.Open();
        var dropped = await JobApi.WaitForStateAsync(client, Id(drop), "canceled");
        Assert.Equal(1, dropped.GetProperty("step").GetInt32());
        var kept = await JobApi.WaitForStateAsync(client, Id(keep), "succeeded");
        var batched = await client.GetByteArrayAsync(kept.GetProperty("images")[0].GetString());

        var alone = await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(prompt: "a lighthouse", seed: 1, steps: 3));
        var aloneBytes = Convert.FromBase64String((await JobApi.JsonAsync(alone)).GetProperty("data")[0].GetProperty("b64_json").GetString()!);
        Assert.Equal(aloneBytes, batched);
    }

    [Fact]
    public async Task Shutdown_finishes_the_running_job_and_cancels_the_queued_ones_with_a_reason()
    {
        var (factory, client, hook) = await StartAsync(("Batching:MaxBatchSize", "1"));
        await using var _ = factory;
        using var gate = new StepGate();
        gate.Install(hook);
        var store = factory.Services.GetRequiredService<Service.Jobs.IJobStore>();
        var first = Id(await JobApi.CreateJobAsync(client, JobApi.Body(seed: 1)));
        await gate.EnteredAsync();
        var queued = new[] { Id(await JobApi.CreateJobAsync(client, JobApi.Body(seed: 2))), Id(await JobApi.CreateJobAsync(client, JobApi.Body(seed: 3))) };

        // Once stopped, Program's Main returns and the provider may be disposed: keep what the asserts read.
        var health = factory.Health;
        var stopping = factory.Services.GetRequiredService<IHost>().StopAsync();
        Assert.True(await ServiceFactory.EventuallyAsync(() => Task.FromResult(health.Draining), JobApi.Patience));
        gate.Open();
        await stopping.WaitAsync(JobApi.Patience);

        Assert.Equal(Service.Jobs.JobState.Succeeded, (await store.GetAsync(first, default))!.Snapshot.State);
        foreach (var id in queued)
        {
            var job = (await store.GetAsync(id, default))!.Snapshot;
            Assert.Equal(Service.Jobs.JobState.Canceled, job.State);
            Assert.Equal(Service.Jobs.JobErrorCode.Shutdown, job.ErrorCode);
            Assert.Equal(BatchEngine.ShutdownQueuedReason, job.Error);
        }
        Assert.Equal(WorkerStatus.Stopped, health.WorkerStatus);
    }

    [Fact]
    public async Task A_faulting_batch_fails_its_jobs_and_the_worker_serves_the_next()
    {
        var (factory, client, hook) = await StartAsync();
        await using var _ = factory;
        var faults = 1;
        hook.BeforeStep = _ => Interlocked.Decrement(ref faults) >= 0 ? new InvalidOperationException("CUDA error: an illegal memory access (injected)") : null;

        var failed = await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 1));
        var next = await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 2));

        var problem = await ProblemAssert.IsProblemAsync(failed, HttpStatusCode.InternalServerError);
        Assert.Contains("illegal memory access", problem.GetProperty("detail").GetString());
        Assert.Equal("device_error", problem.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(WorkerStatus.Running, factory.Health.WorkerStatus);
    }

    [Fact]
    public async Task Out_of_memory_splits_the_batch_and_every_job_succeeds()
    {
        // Padded, so the batched image can be compared byte for byte with the same request run alone.
        var (factory, client, hook) = await StartAsync(("Batching:MaxBatchSize", "4"), ("Batching:MaxWaitMilliseconds", "300"),
            ("Batching:PadToMaxBatchSize", "true"));
        await using var _ = factory;
        var widest = 0;
        hook.BeforeStep = ids =>
        {
            InterlockedMax(ref widest, ids.Count);
            return ids.Count > 1 ? new DeviceOutOfMemoryException("CUDA out of memory. Tried to allocate 2.00 GiB (injected)") : null;
        };

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
            client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: i))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True(widest > 1, "the jobs never shared a batch, so nothing was split");
    }

    [Fact]
    public async Task Repeated_device_faults_open_the_circuit_and_readiness_fails()
    {
        var (factory, client, hook) = await StartAsync(("Worker:CircuitBreakerFailures", "3"), ("Batching:MaxBatchSize", "1"));
        await using var _ = factory;
        hook.BeforeStep = _ => new InvalidOperationException("device lost (injected)");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        for (var i = 0; i < 4; i++) await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: i));

        Assert.Equal(WorkerStatus.CircuitOpen, factory.Health.WorkerStatus);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);
        var refused = await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 9));
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("circuit_open", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_client_that_disconnects_or_whose_Cancel_After_passes_gets_its_job_canceled()
    {
        var (factory, client, hook) = await StartAsync(("Batching:MaxBatchSize", "1"));
        await using var _ = factory;
        using var gate = new StepGate();
        gate.Install(hook);
        // A job without a deadline holds the worker, so the two jobs under test wait in the queue behind it however
        // slowly a loaded machine admits work.
        await client.PostAsJsonAsync("/v1/jobs", JobApi.Body(seed: 0));
        await gate.EnteredAsync();
        var deadline = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = JsonContent.Create(JobApi.Body(seed: 1)) };
        deadline.Headers.Add("Cancel-After", "1");
        var expiring = Id(await JobApi.JsonAsync(await client.SendAsync(deadline)));
        var queue = factory.Services.GetRequiredService<GenerationQueue>();
        using var leave = new CancellationTokenSource();
        var abandoned = client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 2), leave.Token);
        Assert.True(await ServiceFactory.EventuallyAsync(() => Task.FromResult(queue.Depth == 2), JobApi.Patience));

        leave.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.True(await ServiceFactory.EventuallyAsync(() => Task.FromResult(queue.Depth == 1), JobApi.Patience),
            "the abandoned job is still waiting");
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        gate.Open();

        var expired = await JobApi.WaitForStateAsync(client, expiring, "canceled");
        Assert.Contains("Cancel-After", expired.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_job_past_Worker_JobTimeoutSeconds_fails_with_504_timeout()
    {
        var (factory, client, hook) = await StartAsync(("Worker:JobTimeoutSeconds", "1"));
        await using var _ = factory;
        using var gate = new StepGate();
        gate.Install(hook);

        var pending = client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: 1, steps: 3));
        // On a loaded machine the job can pass its 1 s budget before it reaches the first step; either way the
        // answer must be the timeout, so the test holds the step only when the worker gets there first.
        if (await Task.WhenAny(pending, gate.EnteredAsync()) != pending)
            await Task.Delay(TimeSpan.FromSeconds(1.2));
        gate.Open();

        var problem = await ProblemAssert.IsProblemAsync(await pending, HttpStatusCode.GatewayTimeout);
        Assert.Equal("timeout", problem.GetProperty("code").GetString());
        Assert.Contains("Worker:JobTimeoutSeconds", problem.GetProperty("detail").GetString());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
