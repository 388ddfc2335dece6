using TeEFusion.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Sampling;

[Collection("Sequential")]
public class SamplingRunnerTests
{
    private static readonly FlowMatchEulerDiscreteScheduler Scheduler = new(new FlowMatchEulerDiscreteSchedulerConfig { Shift = 3.0 });

    [Fact]
    public void ReportsProgressOncePerStepAndCountsPassesLikeTheFactsFile()
    {
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: false));
        using var x = TinySd3.Latents(2);
        var reports = new List<SamplingProgress>();
        var result = SamplingRunner.Run(new W2sdCfg(model, W2sdPair.GuidanceGap(5.5, 1.0)), Scheduler, 4, x,
            TinySd3.Conditioning([5.5, 5.5]), progress: reports.Add);

        // (N − 1)·6 + 2 per sample, as 49·6 + 2 = 296 at N = 50.
        Assert.Equal([3 * 6 + 2, 3 * 6 + 2], result.ModelPasses);
        Assert.Equal(3 * 6 + 2, model.Calls.Sum(call => call.Rows) / 2);
        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(4, r.TotalSteps));
        Assert.Equal(0f, reports[^1].Sigma);
        Assert.Equal([6, 6], reports[0].ModelPasses);
        Assert.Equal(x.shape, result.Latents.shape);
    }

    [Fact]
    public void EulerStepsFollowTheSchedule()
    {
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: true));
        using var x = TinySd3.Latents(1);
        var result = SamplingRunner.Run(new StudentEuler(model), Scheduler, 5, x, TinySd3.Conditioning([5.0]));
        var schedule = Scheduler.GetSchedule(5);
        Assert.Equal([5], result.ModelPasses);
        Assert.Equal(schedule.Timesteps, model.Calls.Select(call => Assert.Single(call.Timesteps)));
    }

    [Fact]
    public void CancellationStopsBetweenSteps()
    {
        using var model = new CountingModel(TinySd3.Model(txtAlignGuidance: false));
        using var x = TinySd3.Latents(1);
        using var cancel = new CancellationTokenSource();
        var steps = 0;
        Assert.Throws<OperationCanceledException>(() => SamplingRunner.Run(new EulerCfg(model), Scheduler, 10, x,
            TinySd3.Conditioning([5.0]), progress: p =>
            {
                steps = p.Step;
                if (p.Step == 3) cancel.Cancel();
            }, cancellation: cancel.Token));
        Assert.Equal(3, steps);
        Assert.Equal(3, model.Calls.Count);
    }

    [Fact]
    public void OnlyTheFinalLatentsOutliveTheRun()
    {
        using var model = TinySd3.Model(txtAlignGuidance: false);
        using var x = TinySd3.Latents(1);
        var c = TinySd3.Conditioning([5.0]);
        var sampler = new ZSamplingCfg(model);
        SamplingRunner.Run(sampler, Scheduler, 2, x, c).Latents.Dispose(); // warm-up: lazily created tensors
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using var result = SamplingRunner.Run(sampler, Scheduler, 3, x, c).Latents;
        Assert.Equal(before + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void RunsWithoutRecordingGradients()
    {
        using var model = TinySd3.Model(txtAlignGuidance: false);
        using var x = TinySd3.Latents(1);
        using var result = SamplingRunner.Run(new EulerCfg(model), Scheduler, 2, x, TinySd3.Conditioning([5.0])).Latents;
        Assert.False(result.requires_grad);
    }
}
