using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Distillation;
using TeEFusion.Service.Worker;
using static TeEFusion.Service.Tests.Admin.DistillationApi;

namespace TeEFusion.Service.Tests.Admin;

[Collection("Sequential")]
public sealed class PromotionTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    private static async Task<string> ServedVersionAsync(HttpClient client) =>
        JsonDocument.Parse(await client.GetStringAsync("/v1/models")).RootElement.GetProperty("data")[0].GetProperty("version").GetString()!;

    // The job's recorded version, and whether its PNG's text chunks carry the same version.
    private static async Task<(string Version, bool PngCarriesIt)> JobVersionAsync(HttpClient client, string id)
    {
        var job = await JobApi.WaitForStateAsync(client, id, "succeeded");
        var version = job.GetProperty("model").GetProperty("version").GetString()!;
        var png = await client.GetByteArrayAsync(job.GetProperty("images")[0].GetString()!);
        return (version, Encoding.Latin1.GetString(png).Contains(version, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Promotion_serves_the_student_to_new_jobs_while_a_job_in_flight_finishes_on_its_weights_and_restore_goes_back()
    {
        var checkpoints = model.EmptyDirectory();
        await using var factory = Secured(model, ("Distillation:CheckpointDirectory", checkpoints));
        var admin = await AdminClientAsync(factory);
        var user = factory.CreateClient();
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var original = await ServedVersionAsync(user);
        var id = (await StartAsync(admin, Body(iterations: 2))).GetProperty("id").GetString()!;
        await WaitForStateAsync(admin, id, "succeeded");

        using var gate = new StepGate();
        gate.Install(factory.Services.GetRequiredService<DeviceFaultHook>());
        var inFlight = (await JobApi.CreateJobAsync(user, JobApi.Body(steps: 3))).GetProperty("id").GetString()!;
        await gate.EnteredAsync();
        var promotion = admin.PostAsync($"/admin/distillations/{id}/promote", null);
        await Task.Delay(300);
        Assert.False(promotion.IsCompleted, "the swap must wait for the running job");
        Assert.Equal(original, await ServedVersionAsync(user));
        // Submitted while the original is served, started after the swap: it must record the version it ran on.
        var swaps = factory.Services.GetRequiredService<ModelSwaps>();
        Assert.True(await ServiceFactory.EventuallyAsync(() => Task.FromResult(swaps.Pending is not null), TimeSpan.FromSeconds(60)));
        var queuedAcrossSwap = (await JobApi.CreateJobAsync(user, JobApi.Body())).GetProperty("id").GetString()!;
        gate.Open();

        var promoted = await promotion;
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal(id, JsonDocument.Parse(await promoted.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetString());
        Assert.Equal((original, true), await JobVersionAsync(user, inFlight));
        Assert.Equal((id, true), await JobVersionAsync(user, queuedAcrossSwap));
        Assert.Equal(id, await ServedVersionAsync(user));
        var after = (await JobApi.CreateJobAsync(user, JobApi.Body())).GetProperty("id").GetString()!;
        Assert.Equal((id, true), await JobVersionAsync(user, after));
        Assert.True(File.Exists(Path.Combine(checkpoints, id, "model", "model_index.json")));
        Assert.True(File.Exists(Path.Combine(checkpoints, id, "model", "transformer", "diffusion_pytorch_model.safetensors")));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/admin/models/restore", null)).StatusCode);
        Assert.Equal(original, await ServedVersionAsync(user));
        var restored = (await JobApi.CreateJobAsync(user, JobApi.Body())).GetProperty("id").GetString()!;
        Assert.Equal(original, (await JobVersionAsync(user, restored)).Version);
    }

    [Fact]
    public async Task Promoting_an_unfinished_or_unknown_run_is_refused_and_restore_needs_a_promotion()
    {
        await using var factory = Secured(model);
        var admin = await AdminClientAsync(factory);
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/admin/models/restore", null), HttpStatusCode.Conflict);
        var unknown = await ProblemAssert.IsProblemAsync(await admin.PostAsync("/admin/models/restore?model=sd3-nope", null), HttpStatusCode.NotFound);
        Assert.Contains("No model 'sd3-nope' is served", unknown.GetProperty("detail").GetString());
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/admin/distillations/dist_nope/promote", null), HttpStatusCode.NotFound);
        var id = (await StartAsync(admin, Body(iterations: 100_000, checkpointInterval: 0))).GetProperty("id").GetString()!;

        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/admin/distillations/{id}/promote", null), HttpStatusCode.Conflict);

        await admin.DeleteAsync($"/admin/distillations/{id}");
        await WaitForStateAsync(admin, id, "canceled");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/admin/distillations/{id}/promote", null), HttpStatusCode.Conflict);
    }
}
