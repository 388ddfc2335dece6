using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Health;
using OpenAI;
using TeEFusion.Service.Models;

namespace TeEFusion.Service.Tests.Fixtures;

/// <summary>
/// The real service in memory (TestServer), configured from the top-level appsettings.json and then overridden: Model:Path
/// points at <paramref name="modelPath"/> (null leaves it unset, with the bundled model off: a service with no model) and
/// <paramref name="settings"/> win over everything;
/// <paramref name="services"/> may add test services (e.g. an injected fault) after the service's own.
/// Dispose it (await using) at the end of each test.
/// </summary>
public sealed class ServiceFactory(string? modelPath, IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    /// <summary>The longest a test waits for the tiny model to load.</summary>
    public static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A factory for the tiny model with extra settings ("Section:Key" = value).</summary>
    public static ServiceFactory For(TinyModelFolder model, params (string Key, string? Value)[] settings) =>
        new(model.Path, settings.ToDictionary(s => s.Key, s => s.Value));

    public ModelHost ModelHost => Services.GetRequiredService<ModelHost>();

    public ServiceHealth Health => Services.GetRequiredService<ServiceHealth>();

    /// <summary>The official OpenAI SDK pointed at this in-memory service ("/v1"), sending <paramref name="apiKey"/> as bearer token.</summary>
    public OpenAIClient CreateOpenAIClient(string apiKey = "no-key-needed-when-v1-is-open") =>
        new(new ApiKeyCredential(apiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(Server.BaseAddress, "v1"),
            Transport = new HttpClientPipelineTransport(CreateClient()),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });

    /// <summary>Waits (bounded by <see cref="LoadTimeout"/>) until the model host leaves Loading; returns its final state.</summary>
    public async Task<ModelHostState> WaitForModelAsync()
    {
        var host = ModelHost;
        await host.WhenLoaded.WaitAsync(LoadTimeout);
        return host.State;
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms until true or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition()) return true;
            await Task.Delay(20);
        }
        return await condition();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var overrides = new Dictionary<string, string?> { ["Model:Path"] = modelPath ?? "" };
        // Inside the repository the bundled model would be found by walking up from the test's directory.
        if (modelPath is null) overrides["Model:UseBundled"] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) overrides[key] = value;
        // Added when the host is built, after Program's sources, so these win over appsettings.json.
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(overrides));
        if (services is not null) builder.ConfigureTestServices(services);
    }
}
