using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TeEFusion.Service.Telemetry;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Host;

public sealed class HostPlumbingTests
{
    [Fact]
    public async Task Swagger_document_lists_the_routes_with_their_error_responses()
    {
        await using var factory = new ServiceFactory(modelPath: null);
        var client = factory.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/swagger/v1/swagger.json")).RootElement;
        var paths = document.GetProperty("paths");
        var models = paths.GetProperty("/v1/models").GetProperty("get");
        foreach (var status in new[] { "200", "401", "429", "503" }) Assert.True(models.GetProperty("responses").TryGetProperty(status, out _), status);
        Assert.True(models.TryGetProperty("security", out _));
        Assert.True(paths.GetProperty("/admin/status").GetProperty("get").GetProperty("responses").TryGetProperty("403", out _));
        Assert.True(paths.TryGetProperty("/health/ready", out _));
        var lossSvg = paths.GetProperty("/admin/distillations/{id}/loss.svg").GetProperty("get");
        Assert.Contains("SVG", lossSvg.GetProperty("summary").GetString());
        Assert.True(lossSvg.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("image/svg+xml", out _));
        Assert.True(lossSvg.GetProperty("responses").TryGetProperty("404", out _));
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));

        var ui = await client.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("swagger-ui", await ui.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_serves_prometheus_text_with_the_service_instruments()
    {
        await using var factory = new ServiceFactory(modelPath: null);
        var client = factory.CreateClient();
        var telemetry = factory.Services.GetRequiredService<ServiceTelemetry>();
        telemetry.RecordFailure("timeout");
        telemetry.ImagesGenerated.Add(2);
        await client.GetAsync("/health/live");

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE teefusion_jobs_failures", text);
        Assert.Contains("cause=\"timeout\"", text);
        Assert.Contains("teefusion_images_generated", text);
        Assert.Contains("teefusion_queue_depth", text);
        Assert.Contains("http_server_request_duration_seconds", text);
    }

    [Fact]
    public async Task Unknown_route_is_404_problem()
    {
        await using var factory = new ServiceFactory(modelPath: null);

        var problem = await ProblemAssert.IsProblemAsync(await factory.CreateClient().GetAsync("/v1/nothing-here"), HttpStatusCode.NotFound);

        Assert.Equal("/v1/nothing-here", problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_problem_and_the_service_still_serves()
    {
        await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = "2048" });
        var client = factory.CreateClient();

        var response = await client.PostAsync("/v1/models", new ByteArrayContent(new byte[2049]));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("2048", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Body_at_the_limit_passes_the_limit()
    {
        await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = "2048" });

        var response = await factory.CreateClient().PostAsync("/v1/models", new ByteArrayContent(new byte[2048]));

        // No POST route exists there: the request got past the size check to routing.
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Shutdown_timeout_leaves_room_for_the_worker_drain()
    {
        await using var factory = new ServiceFactory(modelPath: null, new Dictionary<string, string?> { ["Worker:DrainTimeoutSeconds"] = "12" });
        factory.CreateClient();

        var host = factory.Services.GetRequiredService<IOptions<HostOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(17), host.ShutdownTimeout);
    }
}
