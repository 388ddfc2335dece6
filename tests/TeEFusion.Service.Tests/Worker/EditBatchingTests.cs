using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Tests.Edits;
using TeEFusion.Service.Tests.Jobs;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>Edit jobs in the step-level batching engine, beside generation jobs of the same step group.</summary>
[Collection("Sequential")]
public sealed class EditBatchingTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static int _ids;

    private BatchEngine Engine() => new(fixture.Models, 8, padToMaxBatchSize: true, ResiliencePipeline.Empty, new DeviceFaultHook(),
        new WorkerInstruments(fixture.Telemetry), fixture.Publisher, TimeProvider.System, NullLogger.Instance);

    private static Job Generation(long seed) => new($"gen{Interlocked.Increment(ref _ids)}", TestSpecs.Of("a blue bird", "", 1, seed, 4, 5, 32, 32),
        DateTimeOffset.UtcNow, "tiny", "v");

    private static Job Edit(long seed, bool mask, int n = 1)
    {
        var spec = TestSpecs.Of("a red fox", "", n, seed, 4, 5, 32, 32) with
        {
            Edit = new JobEdit(EditUploads.Picture(), mask ? EditUploads.RightHalfMask() : null, 0.5, 32, 32),
        };
        return new Job($"edit{Interlocked.Increment(ref _ids)}", spec, DateTimeOffset.UtcNow, "tiny", "v");
    }

    private byte[] Alone(Job job)
    {
        using var engine = Engine();
        engine.Admit(job);
        BatchEngineTests.RunToEnd(engine);
        Assert.Equal(JobState.Succeeded, job.State);
        return job.Images[0];
    }

    [Fact]
    public void EditsShareStepsWithGenerationsAndGiveTheSameImagesAsAlone()
    {
        var generation = Generation(11);
        var inpaint = Edit(21, mask: true);
        var img2img = Edit(31, mask: false);
        var stepsTaken = 1;
        using (var engine = Engine())
        {
            engine.Admit(generation);
            engine.StepNext();
            engine.Admit(inpaint);  // joins the generation's step group at its own step 0 (of 2)
            engine.Admit(img2img);
            for (; engine.ActiveJobs > 0 && stepsTaken < 50; stepsTaken++) engine.StepNext();
        }
        Assert.All(new[] { generation, inpaint, img2img }, j => Assert.Equal(JobState.Succeeded, j.State));
        // One group: 1 step alone, then 2 steps with all three, then the generation's last one.
        Assert.Equal(4, stepsTaken);
        Assert.Equal(Alone(Generation(11)), generation.Images[0]);
        Assert.Equal(Alone(Edit(21, mask: true)), inpaint.Images[0]);
        Assert.Equal(Alone(Edit(31, mask: false)), img2img.Images[0]);
        Assert.NotEqual(inpaint.Images[0], img2img.Images[0]);
    }

    [Fact]
    public void AnEditJobOfTwoImagesUsesConsecutiveSeedsAndLeavesNoLiveTensors()
    {
        using var engine = Engine();
        engine.Admit(Edit(1, mask: true));
        BatchEngineTests.RunToEnd(engine);
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var pair = Edit(40, mask: true, n: 2);
        engine.Admit(pair);
        BatchEngineTests.RunToEnd(engine);

        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(Alone(Edit(41, mask: true)), pair.Images[1]);
    }
}
