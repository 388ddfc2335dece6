using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TeEFusion.Service.Health;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Host;

[Collection("Sequential")]
public sealed class HealthEndpointsTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    [Fact]
    public async Task Live_answers_200_even_without_a_model()
    {
        await using var factory = new ServiceFactory(modelPath: null);
        var response = await factory.CreateClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alive", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_is_503_naming_the_missing_model_path()
    {
        // The real worker reports itself faulted for want of a model, so the worker's status is not asserted here:
        // it moves from not_started to faulted while the request is in flight.
        await using var factory = new ServiceFactory(modelPath: null);
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Failed, await factory.WaitForModelAsync());
        var response = await client.GetAsync("/health/ready");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("No model is configured", problem.GetProperty("detail").GetString());
        Assert.Equal(0, problem.GetProperty("checks").GetProperty("models").GetArrayLength());
    }

    [Fact]
    public async Task Ready_is_503_for_a_folder_that_is_not_a_model_and_the_process_keeps_serving()
    {
        await using var factory = new ServiceFactory(model.EmptyDirectory());
        var client = factory.CreateClient();

        Assert.Equal(ModelHostState.Failed, await factory.WaitForModelAsync());
        var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);
        Assert.Contains("model_index.json", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Ready_turns_200_once_the_model_is_loaded_and_the_worker_runs()
    {
        await using var factory = new ServiceFactory(model.Path);
        var client = factory.CreateClient();

        // Until the model is loaded every answer is 503, and one given while loading says so.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (factory.ModelHost.State == ModelHostState.Loading && clock.Elapsed < ServiceFactory.LoadTimeout)
        {
            var response = await client.GetAsync("/health/ready");
            // Still loading after the answer means it was loading while answering (the worker is already Running).
            if (factory.ModelHost.State != ModelHostState.Loading) break;
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("loading", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());

        // The device worker reported Running when the host started, so readiness now follows the model alone.
        Assert.Equal(WorkerStatus.Running, factory.Health.WorkerStatus);
        Assert.True(await ServiceFactory.EventuallyAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            ServiceFactory.LoadTimeout));
        var ready = JsonDocument.Parse(await client.GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        var served = Assert.Single(ready.GetProperty("models").EnumerateArray());
        Assert.Equal(TinyModelFolder.FolderName, served.GetProperty("id").GetString());
        Assert.Equal("teefusion_student", served.GetProperty("kind").GetString());
        Assert.Equal(0, ready.GetProperty("queue_depth").GetInt32());
        Assert.False(ready.GetProperty("draining").GetBoolean());
    }

    [Theory]
    [InlineData(WorkerStatus.Faulted)]
    [InlineData(WorkerStatus.CircuitOpen)]
    [InlineData(WorkerStatus.Stopped)]
    public async Task Ready_is_503_when_the_worker_is_not_running(WorkerStatus status)
    {
        await using var factory = new ServiceFactory(model.Path);
        var client = factory.CreateClient();
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());
        factory.Health.SetWorker(status, "injected by the test");

        var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);
        Assert.Contains("injected by the test", problem.GetProperty("detail").GetString());
        Assert.Equal(JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString()),
            problem.GetProperty("checks").GetProperty("worker").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Stopping_the_host_turns_readiness_503_while_other_services_still_drain()
    {
        var stopper = new BlockingStop();
        var factory = new ServiceFactory(model.Path, services: services => services.AddHostedService(_ => stopper));
        try
        {
            var client = factory.CreateClient();
            Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());
            factory.Health.SetWorker(WorkerStatus.Running);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

            var stopping = Task.Run(() => factory.Services.GetRequiredService<IHost>().StopAsync());
            await stopper.Stopping.WaitAsync(ServiceFactory.LoadTimeout);

            Assert.True(factory.Health.Draining);
            var problem = await ProblemAssert.IsProblemAsync(await client.GetAsync("/health/ready"), HttpStatusCode.ServiceUnavailable);
            Assert.True(problem.GetProperty("checks").GetProperty("draining").GetBoolean());
            Assert.Contains("shutting down", problem.GetProperty("detail").GetString());
            stopper.Release();
            await stopping.WaitAsync(ServiceFactory.LoadTimeout);
        }
        finally
        {
            stopper.Release();
            await factory.DisposeAsync();
        }
    }

    /// <summary>Stands in for a draining worker: its StopAsync holds the shutdown until the test releases it.</summary>
    private sealed class BlockingStop : IHostedService
    {
        private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Stopping => _stopping.Task;

        public void Release() => _released.TrySetResult();

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _stopping.TrySetResult();
            return _released.Task;
        }
    }
}
