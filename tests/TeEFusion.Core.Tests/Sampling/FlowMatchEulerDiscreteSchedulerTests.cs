using TeEFusion.Core.Sampling;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Sampling;

[Collection("Sequential")]
public class FlowMatchEulerDiscreteSchedulerTests
{
    public static TheoryData<int> FixtureCases => new(Enumerable.Range(0, SamplingFixture.Instance.Schedules.Count));

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void ScheduleEqualsIndependentComputationBitForBit(int index)
    {
        var expected = SamplingFixture.Instance.Schedules[index];
        var config = new FlowMatchEulerDiscreteSchedulerConfig
        {
            Shift = expected.Shift,
            UseDynamicShifting = expected.Mu is not null,
            TimeShiftType = expected.TimeShiftType,
            ShiftTerminal = expected.ShiftTerminal,
        };
        var schedule = new FlowMatchEulerDiscreteScheduler(config).GetSchedule(expected.Steps, expected.Mu);
        Assert.Equal(expected.Sigmas, schedule.Sigmas);
        Assert.Equal(expected.Timesteps, schedule.Timesteps);
    }

    [Fact]
    public void Sd3FiftyStepsMatchTheFactsFile()
    {
        var schedule = Sd3().GetSchedule(50);
        Assert.Equal(51, schedule.Sigmas.Length);
        Assert.Equal(0f, schedule.Sigmas[^1]);
        Assert.Equal(1000f, schedule.Timesteps[0]);
        float[] head = [993.124f, 986.057f, 978.790f], tail = [120.533f, 66.900f, 8.929f];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(head[i], schedule.Timesteps[i + 1], 0.001f);
            Assert.Equal(tail[i], schedule.Timesteps[47 + i], 0.001f);
        }
        Assert.Equal(0.0089286f, schedule.Sigmas[49], 1e-7f);
    }

    [Fact]
    public void Sd3TwentyEightStepsMatchTheFactsFile()
    {
        var schedule = Sd3().GetSchedule(28);
        float[] head = [1000f, 987.381f, 974.108f], tail = [199.827f, 110.906f, 8.929f];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(head[i], schedule.Timesteps[i], 0.001f);
            Assert.Equal(tail[i], schedule.Timesteps[25 + i], 0.001f);
        }
    }

    [Fact]
    public void TrainingSigmaRangeIsTheShiftedFloat32Range()
    {
        var scheduler = Sd3();
        Assert.Equal(1.0, scheduler.SigmaMax);
        Assert.Equal(0.0029940, scheduler.SigmaMin, 1e-7);
    }

    [Fact]
    public void MuIsRequiredExactlyWithDynamicShifting()
    {
        Assert.Contains("mu", Assert.Throws<ArgumentException>(() => Sd3().GetSchedule(10, mu: 1.0)).Message);
        var dynamic = new FlowMatchEulerDiscreteScheduler(new FlowMatchEulerDiscreteSchedulerConfig { UseDynamicShifting = true });
        Assert.Contains("use_dynamic_shifting", Assert.Throws<ArgumentException>(() => dynamic.GetSchedule(10)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sd3().GetSchedule(0));
    }

    [Fact]
    public void EulerStepIsXPlusDeltaSigmaTimesVPerSample()
    {
        using var x = tensor(new float[] { 1f, 2f, 3f, 4f }).view(2, 2, 1, 1);
        using var v = tensor(new float[] { 10f, -10f, 0.5f, 4f }).view(2, 2, 1, 1);
        using var next = FlowMatchEulerDiscreteScheduler.Step(x, v, [0.75f, 0.5f], [0.5f, 0f]);
        // sample 0: dt = −0.25; sample 1: dt = −0.5
        Assert.Equal(new[] { -1.5f, 4.5f, 2.75f, 2f }, next.data<float>().ToArray());
        using var back = FlowMatchEulerDiscreteScheduler.Step(next, v, [0.5f, 0f], [0.75f, 0.5f]);
        Assert.Equal(x.data<float>().ToArray(), back.data<float>().ToArray());
    }

    [Fact]
    public void Bf16EulerStepRoundsLikeDiffusers()
    {
        var c = SamplingFixture.Instance.EulerBf16;
        using var x = tensor(c.X).view(2, 3, 1, 1).to(ScalarType.BFloat16);
        using var v = tensor(c.V).view(2, 3, 1, 1).to(ScalarType.BFloat16);
        using var next = FlowMatchEulerDiscreteScheduler.Step(x, v, c.Sigma, c.SigmaNext);
        Assert.Equal(ScalarType.BFloat16, next.dtype);
        Assert.Equal(c.Expected, next.to(ScalarType.Float32).data<float>().ToArray());
    }

    [Fact]
    public void StepRejectsMismatchedBatch()
    {
        using var x = zeros(2, 1, 1, 1);
        Assert.Throws<ArgumentException>(() => FlowMatchEulerDiscreteScheduler.Step(x, x, [1f], [0f]));
    }

    [Fact]
    public void ScaleNoiseInterpolatesPerSample()
    {
        using var x0 = full(2, 1, 1, 1, 2f);
        using var eps = full(2, 1, 1, 1, -2f);
        using var xt = FlowMatchEulerDiscreteScheduler.ScaleNoise(x0, eps, [0.25f, 1f]);
        Assert.Equal(new[] { 1f, -2f }, xt.data<float>().ToArray());
    }

    private static FlowMatchEulerDiscreteScheduler Sd3() =>
        new(new FlowMatchEulerDiscreteSchedulerConfig { Shift = 3.0 });
}
