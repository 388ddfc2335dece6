using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Endpoints;

/// <summary>Small helpers over the HTTP API for the endpoint tests.</summary>
public static class JobApi
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A request body; add or remove fields on the dictionary for the others.</summary>
    public static Dictionary<string, object?> Body(string prompt = "a red fox", long seed = 7, int steps = 2, string size = "32x32", int n = 1,
        string? responseFormat = null, double guidance = 5.0) =>
        new Dictionary<string, object?>
        {
            ["prompt"] = prompt, ["seed"] = seed, ["steps"] = steps, ["size"] = size, ["n"] = n, ["guidance_scale"] = guidance,
            ["response_format"] = responseFormat,
        }.Where(kv => kv.Value is not null).ToDictionary();

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>POST /v1/jobs and return the job JSON (202 expected).</summary>
    public static async Task<JsonElement> CreateJobAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/v1/jobs", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await JsonAsync(response);
    }

    public static async Task<JsonElement> GetJobAsync(HttpClient client, string id) => await JsonAsync(await client.GetAsync($"/v1/jobs/{id}"));

    /// <summary>Polls GET /v1/jobs/{id} until its state is <paramref name="state"/>.</summary>
    public static async Task<JsonElement> WaitForStateAsync(HttpClient client, string id, string state)
    {
        JsonElement job = default;
        var reached = await ServiceFactory.EventuallyAsync(async () =>
        {
            job = await GetJobAsync(client, id);
            return job.GetProperty("state").GetString() == state;
        }, Patience);
        Assert.True(reached, $"job {id} stayed {job.GetProperty("state").GetString()}, expected {state}: {job}");
        return job;
    }

    public static void AssertPng(byte[] bytes, int width, int height)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        Assert.Equal(width, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(height, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }
}
