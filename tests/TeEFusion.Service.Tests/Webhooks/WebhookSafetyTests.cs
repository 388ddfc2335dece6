using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Webhooks;

namespace TeEFusion.Service.Tests.Webhooks;

/// <summary>The destination policy end to end: refusals at submission (400) and at connect time, after DNS.</summary>
[Collection("Sequential")]
public sealed class WebhookSafetyTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    [Fact]
    public async Task Malformed_or_literal_private_destinations_are_refused_at_submission_naming_the_field()
    {
        await using var service = await StartAsync(loopback: false);
        var client = service.CreateClient();

        string[] refused =
        [
            "http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://192.168.0.10/", "http://169.254.169.254/latest/meta-data",
            "http://[::1]/hook", "http://[fd00::1]/", "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/", "http://224.0.0.1/",
            "ftp://hooks.example.com/", "hooks.example.com/x", "http://user:secret@hooks.example.com/", "https://h.example.com/" + new string('a', 2048),
        ];
        foreach (var url in refused)
        {
            var response = await client.PostAsJsonAsync("/v1/jobs", WebhookApi.Body(url));
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("webhook", out _), $"{url}: {problem}");
        }
        var events = await client.PostAsJsonAsync("/v1/jobs", WebhookApi.Body("https://hooks.example.com/", "succeeded", "finished"));
        Assert.Contains("finished", (await ProblemAssert.IsProblemAsync(events, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("webhook_events").ToString());
        var orphan = JobApi.Body();
        orphan["webhook_events"] = new[] { "succeeded" };
        var problemOrphan = await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/v1/jobs", orphan), HttpStatusCode.BadRequest);
        Assert.True(problemOrphan.GetProperty("errors").TryGetProperty("webhook_events", out _));
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_refused_address_is_refused_at_delivery_and_the_job_still_succeeds()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var service = await StartAsync(loopback: false);
        var client = service.CreateClient();

        foreach (var host in new[] { "localhost", "internal.test" })
        {
            // A name passes at submission (nothing is resolved then); the connect-time check refuses it.
            var id = (await JobApi.CreateJobAsync(client, WebhookApi.Body($"http://{host}:{receiver.Port}/hook"))).GetProperty("id").GetString()!;
            var job = await WebhookApi.WaitForDeliveriesAsync(client, id, d => d.Count("failed") == 1);

            Assert.Equal("succeeded", job.GetProperty("state").GetString());
            var deliveries = job.GetProperty("webhook").GetProperty("deliveries");
            Assert.Equal(1, deliveries.Count("attempted"));
            Assert.Contains("special-purpose range", deliveries.GetProperty("last_error").GetString());
        }
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task A_name_with_refused_and_allowed_addresses_is_delivered_to_the_allowed_one_only()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var service = await StartAsync(loopback: true);
        var client = service.CreateClient();

        var id = (await JobApi.CreateJobAsync(client, WebhookApi.Body($"http://rebound.test:{receiver.Port}/hook"))).GetProperty("id").GetString()!;
        await WebhookApi.WaitForDeliveriesAsync(client, id, d => d.Count("delivered") == 1);

        Assert.Equal("succeeded", Assert.Single(receiver.Received).State);
    }

    private async Task<ServiceFactory> StartAsync(bool loopback)
    {
        var names = new Dictionary<string, IPAddress[]>
        {
            ["internal.test"] = [IPAddress.Parse("10.0.0.7")],
            // A rebinding-style answer: the refused address first, the allowed (loopback) one second.
            ["rebound.test"] = [IPAddress.Parse("169.254.169.254"), IPAddress.Loopback],
        };
        var service = new ServiceFactory(model.Path, WebhookApi.Settings(loopback, ("Webhooks:MaxAttempts", "1")).ToDictionary(s => s.Key, s => s.Value),
            services => services.AddSingleton<WebhookHostResolver>(new WebhookApi.MapResolver(names)));
        Assert.Equal(ModelHostState.Ready, await service.WaitForModelAsync());
        return service;
    }
}
