using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TeEFusion.Service.Tests.Endpoints;
using Xunit.Abstractions;
using TeEFusion.Service.Tests.Fixtures;
using static TeEFusion.Service.Tests.Admin.DistillationApi;

namespace TeEFusion.Service.Tests.Admin;

[Collection("Sequential")]
public sealed class DistillationEndpointsTests(TinyModelFolder model, ITestOutputHelper output) : IClassFixture<TinyModelFolder>
{
    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(ApiKey, HttpStatusCode.Forbidden)]
    public async Task Distillations_need_an_admin_key(string? key, HttpStatusCode expected)
    {
        await using var factory = Secured(model);
        var client = factory.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/admin/distillations", Body()), expected);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/admin/distillations"), expected);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/admin/distillations/dist_x/loss.svg"), expected);
    }

    [Theory]
    [InlineData("lr", -1.0, "lr")]
    [InlineData("g_min", 9.0, "g_min")]
    [InlineData("prompts", new string[0], "prompts")]
    [InlineData("sampler", "dpm++", "sampler")]
    [InlineData("sampler", "student", "sampler")]
    [InlineData("iterations", 0, "iterations")]
    [InlineData("batch_size", -2, "batch_size")]
    [InlineData("ema_decay", 1.5, "ema_decay")]
    [InlineData("compute_dtype", "float16", "compute_dtype")]
    [InlineData("compute_dtype", "int8", "compute_dtype")]
    [InlineData("prompts_file", "../secrets.txt", "prompts_file")]
    [InlineData("prompts_file", "/etc/passwd", "prompts_file")]
    public async Task Invalid_settings_are_400_naming_the_field(string field, object value, string expectedField)
    {
        await using var factory = Secured(model, ("Distillation:DataDirectory", model.EmptyDirectory()));
        var client = await AdminClientAsync(factory);
        var body = Body();
        if (field == "prompts_file") body.Remove("prompts");
        body[field] = value;

        var problem = await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/admin/distillations", body), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(expectedField, out _), problem.ToString());
        Assert.Empty(JsonDocument.Parse(await client.GetStringAsync("/admin/distillations")).RootElement.EnumerateArray());
    }

    [Fact]
    public async Task A_prompt_file_inside_the_data_directory_is_read_and_a_link_out_of_it_is_refused()
    {
        var data = model.EmptyDirectory();
        File.WriteAllLines(Path.Combine(data, "prompts.txt"), ["a red fox", "", "a blue house"]);
        var outside = Path.Combine(model.EmptyDirectory(), "outside.txt");
        File.WriteAllText(outside, "a secret\n");
        File.CreateSymbolicLink(Path.Combine(data, "link.txt"), outside);
        await using var factory = Secured(model, ("Distillation:DataDirectory", data));
        var client = await AdminClientAsync(factory);

        var linked = Body();
        linked.Remove("prompts");
        linked["prompts_file"] = "link.txt";
        var problem = await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/admin/distillations", linked), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("prompts_file", out _), problem.ToString());

        var body = Body(iterations: 1);
        body.Remove("prompts");
        body["prompts_file"] = "prompts.txt";
        var run = await StartAsync(client, body);
        Assert.Equal(2, run.GetProperty("prompt_count").GetInt32());
        await WaitForStateAsync(client, run.GetProperty("id").GetString()!, "succeeded");
    }

    [Fact]
    public async Task A_run_completes_with_a_loss_curve_checkpoints_and_a_listing()
    {
        var checkpoints = model.EmptyDirectory();
        await using var factory = Secured(model, ("Distillation:CheckpointDirectory", checkpoints));
        var client = await AdminClientAsync(factory);

        var body = Body(iterations: 3, checkpointInterval: 2);
        body["eval_prompts"] = new[] { "a green tree" };
        body["eval_interval"] = 2;
        var id = (await StartAsync(client, body)).GetProperty("id").GetString()!;
        var run = await WaitAsync(client, id, r => r.GetProperty("state").GetString() is "succeeded" or "failed", "the end");

        Assert.Equal("succeeded", run.GetProperty("state").GetString());
        Assert.Equal(3, run.GetProperty("iteration").GetInt32());
        var losses = run.GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        Assert.Equal(3, losses.Length);
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"loss {l}"));
        var evaluations = run.GetProperty("eval_history").EnumerateArray().ToList();
        Assert.Equal([0, 2, 3], evaluations.Select(e => e.GetProperty("iteration").GetInt32()));
        Assert.All(evaluations, e =>
        {
            Assert.Equal(2, e.GetProperty("student_passes_per_image").GetInt32());
            Assert.True(e.GetProperty("teacher_passes_per_image").GetInt32() > 2, e.ToString());
            Assert.True(e.GetProperty("latent_mse").GetDouble() is var mse && double.IsFinite(mse) && mse >= 0, e.ToString());
            Assert.InRange(e.GetProperty("image_psnr").GetDouble(), 1.0, 99.0);
            Assert.Equal(1, e.GetProperty("images").GetInt32());
            Assert.True(e.GetProperty("student_ms_per_image").GetDouble() > 0, e.ToString());
            Assert.True(e.GetProperty("teacher_ms_per_image").GetDouble() > 0, e.ToString());
            Assert.True(e.GetProperty("decode_ms_per_image").GetDouble() > 0, e.ToString());
        });
        Assert.True(File.Exists(Path.Combine(checkpoints, id, "checkpoint-0000002", "run_state.json")));
        Assert.True(File.Exists(Path.Combine(checkpoints, id, "checkpoint-0000003", "run_state.json")));
        Assert.True(File.Exists(Path.Combine(checkpoints, id, "transformer", "diffusion_pytorch_model.safetensors")));
        var listed = JsonDocument.Parse(await client.GetStringAsync("/admin/distillations")).RootElement;
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());

        var svg = await LossSvgAsync(client, run);
        Assert.Equal(3, LossPoints(svg));
        Assert.Equal(3, svg.Descendants(Svg + "circle").Count(c => (string?)c.Attribute("class") == "mse"));
        Assert.Equal(3, svg.Descendants(Svg + "rect").Count(c => (string?)c.Attribute("class") == "psnr"));
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/admin/distillations/no-such-run/loss.svg"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_second_run_is_409_while_one_is_active_and_cancel_stops_it()
    {
        await using var factory = Secured(model);
        var client = await AdminClientAsync(factory);
        var id = (await StartAsync(client, Body(iterations: 100_000, checkpointInterval: 0))).GetProperty("id").GetString()!;

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/admin/distillations", Body()), HttpStatusCode.Conflict);

        var running = await WaitAsync(client, id, r => r.GetProperty("iteration").GetInt32() >= 1, "its first iteration");
        // The picture of a running run: at least the iterations its JSON had, on an axis to the run's last iteration.
        Assert.True(LossPoints(await LossSvgAsync(client, running)) >= running.GetProperty("iteration").GetInt32());
        Assert.Equal(HttpStatusCode.Accepted, (await client.DeleteAsync($"/admin/distillations/{id}")).StatusCode);
        var run = await WaitForStateAsync(client, id, "canceled");
        Assert.True(run.GetProperty("iteration").GetInt32() < 100_000);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync($"/admin/distillations/{id}"), HttpStatusCode.Conflict);
        await StartAsync(client, Body(iterations: 1));
    }

    [Fact]
    public async Task A_run_slower_than_the_inference_wait_bound_is_failed_naming_the_bound()
    {
        await using var factory = Secured(model, ("Distillation:MaxInferenceWaitMilliseconds", "1"), ("Distillation:BoundGraceIterations", "1"));
        var client = await AdminClientAsync(factory);
        var id = (await StartAsync(client, Body(iterations: 100, checkpointInterval: 0))).GetProperty("id").GetString()!;

        var run = await WaitForStateAsync(client, id, "failed");

        Assert.Equal(1, run.GetProperty("iteration").GetInt32()); // Distillation:BoundGraceIterations of warm-up, then the check
        Assert.Contains("above Distillation:MaxInferenceWaitMilliseconds (1 ms)", run.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Events_stream_progress_with_loss_then_the_end()
    {
        await using var factory = Secured(model);
        var client = await AdminClientAsync(factory);
        var id = (await StartAsync(client, Body(iterations: 3))).GetProperty("id").GetString()!;

        var stream = await client.GetStringAsync($"/admin/distillations/{id}/events");

        var events = stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n').ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 1)..].Trim())).ToList();
        Assert.Equal(["progress", "progress", "progress", "succeeded"], events.Select(e => e["event"]));
        var progress = events.Take(3).Select(e => JsonDocument.Parse(e["data"]).RootElement).ToList();
        Assert.Equal([1, 2, 3], progress.Select(p => p.GetProperty("iteration").GetInt32()));
        Assert.All(progress, p => Assert.True(p.GetProperty("loss").GetDouble() > 0));
    }

    [Fact]
    public async Task Inference_is_served_while_a_run_is_active()
    {
        await using var factory = Secured(model);
        var admin = await AdminClientAsync(factory);
        var user = factory.CreateClient();
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var id = (await StartAsync(admin, Body(iterations: 100_000, checkpointInterval: 0))).GetProperty("id").GetString()!;
        var before = (await WaitAsync(admin, id, r => r.GetProperty("iteration").GetInt32() >= 1, "its first iteration")).GetProperty("iteration").GetInt32();

        var job = await JobApi.CreateJobAsync(user, JobApi.Body());
        await JobApi.WaitForStateAsync(user, job.GetProperty("id").GetString()!, "succeeded");

        var during = await WaitAsync(admin, id, r => r.GetProperty("iteration").GetInt32() > before, "more iterations");
        Assert.Equal("running", during.GetProperty("state").GetString());
        Assert.True(during.GetProperty("eta_seconds").GetDouble() > 0);
        await admin.DeleteAsync($"/admin/distillations/{id}");
        await WaitForStateAsync(admin, id, "canceled");
    }

    [Fact]
    public async Task A_job_arriving_during_training_waits_at_most_about_one_training_iteration()
    {
        await using var factory = Secured(model);
        var admin = await AdminClientAsync(factory);
        var user = factory.CreateClient();
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        var id = (await StartAsync(admin, Body(iterations: 100_000, checkpointInterval: 0))).GetProperty("id").GetString()!;
        await WaitAsync(admin, id, r => r.GetProperty("iteration").GetInt32() >= 2, "two iterations");

        var waits = new List<double>();
        for (var seed = 0; seed < 5; seed++)
        {
            var job = await JobApi.CreateJobAsync(user, JobApi.Body(seed: seed));
            var done = await JobApi.WaitForStateAsync(user, job.GetProperty("id").GetString()!, "succeeded");
            waits.Add(done.GetProperty("timings").GetProperty("queued_ms").GetDouble());
        }
        var run = await GetAsync(admin, id);

        // The bound: the rest of the iteration in progress when the job arrived, plus scheduling slack on a busy CI machine.
        var slowest = run.GetProperty("slowest_iteration_ms").GetDouble();
        output.WriteLine($"queue waits {string.Join(", ", waits.Select(w => w.ToString("F1")))} ms; iteration {run.GetProperty("iteration_ms").GetDouble():F1} ms, slowest {slowest:F1} ms");
        Assert.True(waits.Max() <= slowest + 250, $"queue waits {string.Join(", ", waits.Select(w => w.ToString("F1")))} ms; slowest iteration {slowest:F1} ms");
        Assert.Equal("running", run.GetProperty("state").GetString());
        await admin.DeleteAsync($"/admin/distillations/{id}");
        await WaitForStateAsync(admin, id, "canceled");
    }
}
