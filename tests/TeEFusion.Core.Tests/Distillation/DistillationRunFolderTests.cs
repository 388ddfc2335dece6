using System.Text.Json;
using TeEFusion.Core.Distillation;

namespace TeEFusion.Core.Tests.Distillation;

public sealed class DistillationRunFolderTests : IDisposable
{
    private readonly DistillationRunFolder _run = new(Path.Combine(Directory.CreateTempSubdirectory("teefusion-run-").FullName, "dist_1"));

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_run.Root)!, recursive: true);

    private sealed record Plan(string Sampler, List<string> Prompts);

    [Fact]
    public void The_plan_round_trips_in_the_files_camel_case_and_names_the_run()
    {
        Assert.False(_run.HasPlan);

        _run.WritePlan(new Plan("z-sampling", ["a red fox"]));

        Assert.True(_run.HasPlan);
        Assert.Equal("z-sampling", _run.ReadPlan<Plan>().Sampler);
        Assert.Equal(["a red fox"], _run.ReadPlan<Plan>().Prompts);
        Assert.Contains("\"sampler\": \"z-sampling\"", File.ReadAllText(Path.Combine(_run.Root, "run.json")));
        Assert.Equal("dist_1", _run.Name);
    }

    [Fact]
    public void The_end_marker_alone_says_whether_and_how_a_run_ended()
    {
        Directory.CreateDirectory(_run.TransformerDirectory);
        Directory.CreateDirectory(_run.ModelDirectory);
        Assert.Null(_run.Ended());

        _run.MarkEnded(DistillationRunState.Canceled);
        Assert.Equal(DistillationRunState.Canceled, _run.Ended());
        Assert.Equal("canceled", JsonDocument.Parse(File.ReadAllText(Path.Combine(_run.Root, "ended.json"))).RootElement.GetProperty("state").GetString());

        _run.ClearEnded();
        Assert.Null(_run.Ended());
        _run.ClearEnded();
    }

    [Theory]
    [InlineData(DistillationRunState.Queued)]
    [InlineData(DistillationRunState.Running)]
    public void Only_a_final_state_is_marked(DistillationRunState state)
    {
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => _run.MarkEnded(state)).ParamName);
        Assert.Null(_run.Ended());
    }

    [Fact]
    public void A_marker_naming_no_final_state_is_an_error_naming_the_file()
    {
        Directory.CreateDirectory(_run.Root);
        File.WriteAllText(Path.Combine(_run.Root, "ended.json"), """{ "state": "running" }""");

        Assert.Contains("ended.json", Assert.Throws<JsonException>(() => _run.Ended()).Message);
    }

    [Fact]
    public void Checkpoints_are_listed_oldest_first_without_partial_or_incomplete_ones()
    {
        Assert.Null(_run.LatestCheckpoint());
        foreach (var iteration in new[] { 10, 2 }) _run.WriteCheckpoint(iteration, keep: 5, WriteState);
        Directory.CreateDirectory(_run.CheckpointDirectory(30));                        // no state file: incomplete
        Directory.CreateDirectory(_run.CheckpointDirectory(40) + ".partial");
        File.WriteAllText(Path.Combine(_run.CheckpointDirectory(40) + ".partial", DistillationRunFolder.CheckpointStateFile), "{}");

        Assert.Equal([_run.CheckpointDirectory(2), _run.CheckpointDirectory(10)], _run.Checkpoints());
        Assert.Equal(_run.CheckpointDirectory(10), _run.LatestCheckpoint());
        Assert.EndsWith("checkpoint-0000010", _run.LatestCheckpoint());
    }

    [Fact]
    public void Writing_a_checkpoint_keeps_the_newest_ones_and_an_interrupted_write_leaves_none()
    {
        for (var iteration = 1; iteration <= 4; iteration++) _run.WriteCheckpoint(iteration, keep: 2, WriteState);
        Assert.Equal([_run.CheckpointDirectory(3), _run.CheckpointDirectory(4)], _run.Checkpoints());

        Assert.Throws<IOException>(() => _run.WriteCheckpoint(5, keep: 2, folder =>
        {
            WriteState(folder);
            throw new IOException("disk full");
        }));

        Assert.Equal(_run.CheckpointDirectory(4), _run.LatestCheckpoint());
        Assert.False(Directory.Exists(_run.CheckpointDirectory(5)));
    }

    [Fact]
    public void The_loss_curve_is_drawn_as_loss_svg_beside_the_runs_files_and_redrawn_over_it()
    {
        var curve = new LossCurve(_run.Name, "euler-cfg", 4, [0.5, 0.4], []);

        var first = _run.WriteLossCurve(curve);
        var second = _run.WriteLossCurve(curve with { Losses = [0.5, 0.4, 0.3] });

        Assert.Equal(Path.Combine(_run.Root, "loss.svg"), first);
        Assert.Equal(first, second);
        Assert.Equal(LossCurveSvg.Write(curve with { Losses = [0.5, 0.4, 0.3] }), File.ReadAllText(_run.LossCurveFile));
    }

    private static void WriteState(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, DistillationRunFolder.CheckpointStateFile), "{}");
    }
}
