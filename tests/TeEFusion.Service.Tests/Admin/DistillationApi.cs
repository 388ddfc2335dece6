using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using TeEFusion.Service.Models;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Admin;

/// <summary>A secured service for the tiny model with its own checkpoint folder, and helpers over /admin/distillations.</summary>
public static class DistillationApi
{
    public const string ApiKey = "test-api-key-0123456789";
    public const string AdminKey = "test-admin-key-0123456789";

    /// <summary>The tiny model behind API and admin keys; <paramref name="extra"/> settings win over the defaults here.</summary>
    public static ServiceFactory Secured(TinyModelFolder model, params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:0"] = ApiKey,
            ["Auth:AdminKeys:0"] = AdminKey,
            ["Distillation:CheckpointDirectory"] = model.EmptyDirectory(),
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return new ServiceFactory(model.Path, settings);
    }

    public static async Task<HttpClient> AdminClientAsync(ServiceFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Assert.Equal(ModelHostState.Ready, await factory.WaitForModelAsync());
        return client;
    }

    /// <summary>A small valid body: tiny steps, a few iterations.</summary>
    public static Dictionary<string, object?> Body(int iterations = 3, int checkpointInterval = 2) => new()
    {
        ["prompts"] = new[] { "a red fox", "a blue house" },
        ["sampler"] = "euler-cfg",
        ["steps"] = 2,
        ["g_min"] = 2.0,
        ["g_max"] = 4.0,
        ["lr"] = 1e-3,
        ["iterations"] = iterations,
        ["batch_size"] = 1,
        ["checkpoint_interval"] = checkpointInterval,
        ["seed"] = 3,
    };

    public static async Task<JsonElement> StartAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/admin/distillations", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await JobApi.JsonAsync(response);
        Assert.Equal($"/admin/distillations/{run.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        return run;
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string id) =>
        await JobApi.JsonAsync(await client.GetAsync($"/admin/distillations/{id}"));

    /// <summary>Polls the run until <paramref name="done"/> holds.</summary>
    public static async Task<JsonElement> WaitAsync(HttpClient client, string id, Func<JsonElement, bool> done, string what)
    {
        JsonElement run = default;
        var reached = await ServiceFactory.EventuallyAsync(async () => done(run = await GetAsync(client, id)), TimeSpan.FromSeconds(120));
        Assert.True(reached, $"run {id} never reached {what}: {run}");
        return run;
    }

    /// <summary>The run's picture, fetched through the run's links.loss_svg and parsed as XML.</summary>
    public static async Task<XElement> LossSvgAsync(HttpClient client, JsonElement run)
    {
        var id = run.GetProperty("id").GetString();
        Assert.Equal($"/admin/distillations/{id}/loss.svg", run.GetProperty("links").GetProperty("loss_svg").GetString());
        var response = await client.GetAsync(run.GetProperty("links").GetProperty("loss_svg").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal($"Distillation {id}", svg.Element(Svg + "title")!.Value);
        return svg;
    }

    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>How many points the picture's loss polyline has: one per iteration done.</summary>
    public static int LossPoints(XElement svg) =>
        svg.Descendants(Svg + "polyline").Single(p => (string?)p.Attribute("id") == "loss").Attribute("points")!.Value
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    public static Task<JsonElement> WaitForStateAsync(HttpClient client, string id, string state) =>
        WaitAsync(client, id, r => r.GetProperty("state").GetString() == state, state);
}
