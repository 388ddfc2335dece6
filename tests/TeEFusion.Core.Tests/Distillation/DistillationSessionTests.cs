using TeEFusion.Core.Distillation;

namespace TeEFusion.Core.Tests.Distillation;

[Collection("Sequential")]
public sealed class DistillationSessionTests(DistillationFixture fixture) : IClassFixture<DistillationFixture>
{
    private static readonly string[] Prompts = ["a red cube", "a cat on a mat"];

    private DistillationRunSettings Tiny(int iterations, int checkpointInterval, int evalInterval = 0) => new(new DistillationSettings
    {
        Steps = 2, GuidanceMin = 2.0, GuidanceMax = 4.0, Seed = 5, LearningRate = 1e-3, Iterations = iterations, BatchSize = 1,
        LatentHeight = fixture.LatentSize, LatentWidth = fixture.LatentSize, CheckpointInterval = checkpointInterval,
    }, evalInterval);

    private DistillationSession Open(DistillationRunFolder run, DistillationRunSettings settings, params string[] evalPrompts) =>
        new(run, fixture.Components, Prompts, evalPrompts, settings);

    [Fact]
    public void Steps_checkpoint_evaluate_and_finish_on_cadence()
    {
        var run = new DistillationRunFolder(fixture.NewRunDirectory());
        using var session = Open(run, Tiny(iterations: 3, checkpointInterval: 2, evalInterval: 2), "a green ball");
        Assert.Equal(0, session.Iteration);
        Assert.NotNull(session.OpeningEvaluation);

        var steps = new List<DistillationStep>();
        session.Run(steps.Add);

        Assert.Equal([(1, false, false, false), (2, true, true, false), (3, true, true, true)],
            steps.Select(s => (s.Iteration, s.Checkpointed, s.Evaluation is not null, s.Finished)));
        Assert.All(steps, s => Assert.True(double.IsFinite(s.Loss) && s.Loss > 0 && s.TrainingTime > TimeSpan.Zero, s.ToString()));
        Assert.Equal([run.CheckpointDirectory(2), run.CheckpointDirectory(3)], run.Checkpoints());
        Assert.True(File.Exists(Path.Combine(run.TransformerDirectory, "diffusion_pytorch_model.safetensors")));
        Assert.Equal(DistillationRunState.Succeeded, run.Ended());
        Assert.True(session.IsFinished);
        Assert.Throws<InvalidOperationException>(session.Step);
    }

    [Fact]
    public void A_reopened_run_resumes_where_it_stopped_and_ends_as_a_straight_run_ends()
    {
        var straight = new DistillationRunFolder(fixture.NewRunDirectory());
        using (var whole = Open(straight, Tiny(iterations: 3, checkpointInterval: 1))) whole.Run();

        var interrupted = new DistillationRunFolder(fixture.NewRunDirectory());
        using (var first = Open(interrupted, Tiny(iterations: 3, checkpointInterval: 1)))
        {
            first.Step();
            first.Step();
        }
        Assert.Null(interrupted.Ended());
        using var resumed = Open(interrupted, Tiny(iterations: 3, checkpointInterval: 1));
        Assert.Equal(2, resumed.Iteration);
        resumed.Run();

        Assert.Equal(File.ReadAllBytes(Path.Combine(straight.TransformerDirectory, "diffusion_pytorch_model.safetensors")),
            File.ReadAllBytes(Path.Combine(interrupted.TransformerDirectory, "diffusion_pytorch_model.safetensors")));
    }

    [Fact]
    public void A_run_whose_checkpoints_reach_its_end_finishes_when_opened_and_a_longer_one_is_no_longer_ended()
    {
        var run = new DistillationRunFolder(fixture.NewRunDirectory());
        using (var first = Open(run, Tiny(iterations: 2, checkpointInterval: 0)))
        {
            first.Step();
            first.Step();
        }
        Directory.Delete(run.TransformerDirectory, recursive: true);
        run.ClearEnded();    // as if the process stopped after the last checkpoint

        using (var reopened = Open(run, Tiny(iterations: 2, checkpointInterval: 0)))
        {
            Assert.True(reopened.IsFinished);
            Assert.Equal(DistillationRunState.Succeeded, run.Ended());
            Assert.True(Directory.Exists(run.TransformerDirectory));
        }

        using var extended = Open(run, Tiny(iterations: 3, checkpointInterval: 0));
        Assert.False(extended.IsFinished);
        Assert.Null(run.Ended());
    }
}
