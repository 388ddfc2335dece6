using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Health;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Observability;

/// <summary>What the circuit-open and readiness alerts read, as the service's state changes.</summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed class HealthMetricsTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    [Fact]
    public async Task The_circuit_gauge_follows_the_breaker_and_a_model_that_failed_to_load_reads_not_ready()
    {
        // Two models: one loads, the other's folder is empty.
        await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?>
        {
            ["Model:Serve:0:Id"] = "good", ["Model:Serve:0:Path"] = model.Path,
            ["Model:Serve:1:Id"] = "broken", ["Model:Serve:1:Path"] = model.EmptyDirectory(),
            ["Worker:CircuitBreakerFailures"] = "3", ["Batching:MaxBatchSize"] = "1",
        });
        var client = factory.CreateClient();
        await factory.WaitForModelAsync();
        Assert.Equal(ModelHostState.Ready, factory.ModelHost.Find("good")!.State);
        Assert.Equal(0, await GaugeAsync(client, "teefusion_worker_circuit_open", 0));

        factory.Services.GetRequiredService<DeviceFaultHook>().BeforeStep = _ => new InvalidOperationException("device lost (injected)");
        for (var i = 0; i < 4; i++) await client.PostAsJsonAsync("/v1/images/generations", JobApi.Body(seed: i));
        Assert.Equal(WorkerStatus.CircuitOpen, factory.Health.WorkerStatus);

        Assert.Equal(1, await GaugeAsync(client, "teefusion_worker_circuit_open", 1));
        var scrape = MetricsScrape.Parse(await client.GetStringAsync("/metrics"));
        Assert.Equal(1, scrape.Value("teefusion_model_ready", ("model", "good")));
        Assert.Equal(0, scrape.Value("teefusion_model_ready", ("model", "broken")));
    }

    // The exporter answers a scrape from a cache for a moment (300 ms by default), so a new value shows up on a later scrape.
    private static async Task<double?> GaugeAsync(HttpClient client, string name, double expected)
    {
        double? value = null;
        await ServiceFactory.EventuallyAsync(async () => (value = MetricsScrape.Parse(await client.GetStringAsync("/metrics")).Value(name)) == expected,
            TimeSpan.FromSeconds(5));
        return value;
    }
}
