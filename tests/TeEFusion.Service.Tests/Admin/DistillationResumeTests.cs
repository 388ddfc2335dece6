using System.Text.Json;
using static TeEFusion.Service.Tests.Admin.DistillationApi;
using TeEFusion.Service.Tests.Fixtures;

namespace TeEFusion.Service.Tests.Admin;

[Collection("Sequential")]
public sealed class DistillationResumeTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    private static double[] Losses(JsonElement run) => run.GetProperty("losses").EnumerateArray().Select(l => l.GetDouble()).ToArray();

    [Fact]
    public async Task A_run_stopped_with_the_service_resumes_from_its_last_checkpoint_after_a_restart()
    {
        var checkpoints = model.EmptyDirectory();
        string id;
        await using (var first = Secured(model, ("Distillation:CheckpointDirectory", checkpoints)))
        {
            var client = await AdminClientAsync(first);
            id = (await StartAsync(client, Body(iterations: 100_000, checkpointInterval: 2))).GetProperty("id").GetString()!;
            await WaitAsync(client, id, _ => Directory.Exists(Path.Combine(checkpoints, id, "checkpoint-0000002")), "a checkpoint");
        }
        // Training is deterministic, so a restart from zero would report the same losses: marking the checkpoints'
        // recorded history shows that the run state really came from a checkpoint.
        foreach (var state in Directory.GetFiles(Path.Combine(checkpoints, id), "run_state.json", SearchOption.AllDirectories))
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(state))!;
            var history = node["loss_history"]!.AsArray();
            for (var i = 0; i < history.Count; i++) history[i] = 100.0 + i;
            File.WriteAllText(state, node.ToJsonString());
        }

        await using var second = Secured(model, ("Distillation:CheckpointDirectory", checkpoints));
        var admin = await AdminClientAsync(second);
        // The first service may have reached a later checkpoint before it stopped, so the resumed history can be longer
        // than two: wait for an iteration after the resume (its loss is not one of the marked ones), or for the run to end.
        var resumed = await WaitAsync(admin, id, r => r.GetProperty("state").GetString() is "succeeded" or "failed" or "canceled"
            || (r.GetProperty("state").GetString() == "running" && Losses(r) is [_, _, .., < 100]), "an iteration after the resume");

        Assert.True(resumed.GetProperty("state").GetString() == "running", resumed.ToString());
        var losses = Losses(resumed);
        Assert.Equal([100.0, 101.0], losses[..2]);
        Assert.True(losses[^1] is > 0 and < 100, resumed.ToString());
        Assert.Equal(losses.Length, resumed.GetProperty("iteration").GetInt32());
        await admin.DeleteAsync($"/admin/distillations/{id}");
        await WaitForStateAsync(admin, id, "canceled");
        Assert.True(File.Exists(Path.Combine(checkpoints, id, "ended.json")));
    }
}
