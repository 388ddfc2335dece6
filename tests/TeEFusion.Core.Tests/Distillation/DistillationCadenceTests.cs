using TeEFusion.Core.Distillation;

namespace TeEFusion.Core.Tests.Distillation;

public sealed class DistillationCadenceTests
{
    // iteration, iterations, checkpoint interval, eval interval → checkpoint, evaluate, finish
    [Theory]
    [InlineData(1, 10, 5, 0, false, false, false)]
    [InlineData(5, 10, 5, 0, true, false, false)]
    [InlineData(4, 10, 2, 4, true, true, false)]
    [InlineData(3, 10, 2, 3, false, true, false)]
    [InlineData(10, 10, 5, 4, true, true, true)]  // the last step does everything
    [InlineData(7, 7, 0, 0, true, true, true)]    // interval 0: only the last
    [InlineData(6, 7, 0, 0, false, false, false)]
    [InlineData(9, 7, 0, 0, true, true, true)]    // resumed past a shortened run
    public void What_is_due_after_a_step(int iteration, int iterations, int checkpointInterval, int evalInterval,
        bool checkpoint, bool evaluate, bool finish) =>
        Assert.Equal(new DistillationDue(checkpoint, evaluate, finish),
            DistillationCadence.After(iteration, iterations, checkpointInterval, evalInterval));

    [Fact]
    public void A_run_is_evaluated_with_seed_0_at_the_middle_of_its_guidance_range()
    {
        Assert.Equal([0L], DistillationEvaluator.RunSeeds);
        Assert.Equal(3.5, DistillationEvaluator.RunGuidance(new DistillationSettings { GuidanceMin = 2, GuidanceMax = 5 }));
    }
}
