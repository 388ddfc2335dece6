using SixLabors.ImageSharp;
using TeEFusion.Service.Tests.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Worker;

[Collection("Sequential")]
public sealed class BatchEngineTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static int _ids;

    private BatchEngine Engine(int maxBatch, DeviceFaultHook? faults = null, bool pad = true) => new(fixture.Models, maxBatch, pad, ResiliencePipeline.Empty,
        faults ?? new DeviceFaultHook(), new WorkerInstruments(fixture.Telemetry), fixture.Publisher, TimeProvider.System, NullLogger.Instance);

    private static Job NewJob(string prompt, long seed, int steps = 4, double guidance = 5, string negative = "", int n = 1, int size = 32) =>
        new($"job{Interlocked.Increment(ref _ids)}", TestSpecs.Of(prompt, negative, n, seed, steps, guidance, size, size), DateTimeOffset.UtcNow, "tiny", "v");

    internal static void RunToEnd(BatchEngine engine, int maxLoops = 200)
    {
        for (var i = 0; i < maxLoops && engine.ActiveJobs > 0; i++) engine.StepNext();
        Assert.Equal(0, engine.ActiveJobs);
    }

    // The job alone in an engine of the same batch width as the batched runs.
    private byte[] Alone(string prompt, long seed, int steps = 4, double guidance = 5, string negative = "")
    {
        using var engine = Engine(8);
        var job = NewJob(prompt, seed, steps, guidance, negative);
        engine.Admit(job);
        RunToEnd(engine);
        Assert.Equal(JobState.Succeeded, job.State);
        return job.Images[0];
    }

    [Fact]
    public void PreviewsOfOneJobLeaveItsImagesAndItsBatchNeighboursAsTheyWouldBe()
    {
        var previewing = new Job("previewing", TestSpecs.Of("a red fox", "", 2, 11, 6, 4, 32, 32) with { PartialImages = 2 }, DateTimeOffset.UtcNow, "tiny", "v");
        var plain = NewJob("a blue bird", 22, steps: 4, guidance: 7);
        using (var engine = Engine(8))
        {
            engine.Admit(previewing);
            engine.Admit(plain);
            RunToEnd(engine);
        }

        var previews = previewing.Events.ReadAsync(0).ToBlockingEnumerable().Where(e => e.Type == "partial_image").Select(e => e.Data).ToList();
        Assert.Equal([(2, 0, 0), (2, 1, 0), (4, 0, 1), (4, 1, 1)], previews.Select(d => (d.Step, d.ImageIndex ?? -1, d.PartialImageIndex ?? -1)));
        Assert.DoesNotContain(plain.Events.ReadAsync(0).ToBlockingEnumerable(), e => e.Type == "partial_image");
        Assert.Equal(Alone("a red fox", 11, 6, 4), previewing.Images[0]);
        Assert.Equal(Alone("a blue bird", 22, 4, 7), plain.Images[0]);
    }

    [Fact]
    public void ImagesAreByteIdenticalAloneAndInAStaggeredBatch()
    {
        var a = NewJob("a red fox", 11, steps: 5, guidance: 4);
        var b = NewJob("a blue bird", 22, steps: 3, guidance: 7, negative: "blurry");
        var c = NewJob("a green tree", 33, steps: 4, guidance: 1);
        using (var engine = Engine(8))
        {
            engine.Admit(a);
            engine.StepNext();
            engine.Admit(b);   // joins at a step boundary: a is at step 1, b at step 0
            engine.StepNext();
            engine.Admit(c);
            RunToEnd(engine);
        }
        Assert.All(new[] { a, b, c }, j => Assert.Equal(JobState.Succeeded, j.State));
        Assert.Equal(Alone("a red fox", 11, 5, 4), a.Images[0]);
        Assert.Equal(Alone("a blue bird", 22, 3, 7, "blurry"), b.Images[0]);
        Assert.Equal(Alone("a green tree", 33, 4, 1), c.Images[0]);
        Assert.NotEqual(a.Images[0], b.Images[0]);
        Assert.NotEqual(b.Images[0], c.Images[0]);
    }

    [Fact]
    public void WithoutPaddingImagesAreRepeatableAndWithinOneLevelOfThePaddedOnes()
    {
        byte[] Run(bool pad)
        {
            using var engine = Engine(8, pad: pad);
            var job = NewJob("a quiet harbour", 7);
            engine.Admit(job);
            RunToEnd(engine);
            Assert.Equal(JobState.Succeeded, job.State);
            return job.Images[0];
        }

        var unpadded = Run(pad: false);
        Assert.Equal(unpadded, Run(pad: false));
        using var a = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(unpadded);
        using var b = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(Run(pad: true));
        var largest = 0;
        for (var y = 0; y < a.Height; y++)
        for (var x = 0; x < a.Width; x++)
        {
            var (p, q) = (a[x, y], b[x, y]);
            largest = Math.Max(largest, Math.Max(Math.Abs(p.R - q.R), Math.Max(Math.Abs(p.G - q.G), Math.Abs(p.B - q.B))));
        }
        Assert.True(largest <= 1, $"unpadded and padded images differ by {largest} levels");
    }

    [Fact]
    public void WithoutPaddingALoneRequestIsByteIdenticalToBatchingOffAndItsPngSaysSo()
    {
        byte[] Run(int maxBatch, bool pad)
        {
            using var engine = Engine(maxBatch, pad: pad);
            var job = NewJob("a lone lighthouse", 9);
            engine.Admit(job);
            RunToEnd(engine);
            Assert.Equal(JobState.Succeeded, job.State);
            return job.Images[0];
        }

        var unpadded = Run(4, pad: false);
        var padded = Run(4, pad: true);

        Assert.Equal(Run(1, pad: false), unpadded);
        Assert.Equal("rows-in-flight", Batching(unpadded));
        Assert.Equal("padded-4", Batching(padded));

        static string? Batching(byte[] png)
        {
            using var image = SixLabors.ImageSharp.Image.Load(png);
            return image.Metadata.GetPngMetadata().TextData.FirstOrDefault(t => t.Keyword == "batching").Value;
        }
    }

    [Fact]
    public void AJobOfNImagesUsesConsecutiveSeeds()
    {
        using var engine = Engine(8);
        var job = NewJob("two cats", 40, n: 2);
        engine.Admit(job);
        RunToEnd(engine);
        Assert.Equal(2, job.Images.Count);
        Assert.Equal(Alone("two cats", 40), job.Images[0]);
        Assert.Equal(Alone("two cats", 41), job.Images[1]);
        Assert.Equal(4, job.Events.Count - 1); // one progress event per step, then succeeded (no queued: never enqueued)
    }

    [Fact]
    public void CancelingARunningJobLeavesTheOthersInItsBatchUnchanged()
    {
        var keep = NewJob("a lighthouse", 5);
        var drop = NewJob("a storm", 6);
        using (var engine = Engine(8))
        {
            engine.Admit(keep);
            engine.Admit(drop);
            engine.StepNext();
            Assert.Equal(JobState.Running, drop.RequestCancel("user asked", DateTimeOffset.UtcNow));
            Assert.Equal(JobState.Running, drop.State); // ends at the next step boundary, not mid-step
            engine.StepNext();
            Assert.Equal(JobState.Canceled, drop.State);
            Assert.Equal(1, engine.ActiveJobs);
            RunToEnd(engine);
        }
        Assert.Equal("user asked", drop.Snapshot(DateTimeOffset.UtcNow).Error);
        Assert.Empty(drop.Images);
        Assert.Equal(Alone("a lighthouse", 5), keep.Images[0]);
    }

    [Fact]
    public void OutOfMemorySplitsTheBatchAndEveryJobStillGetsItsImage()
    {
        var sizes = new List<int>();
        var faults = new DeviceFaultHook
        {
            BeforeStep = ids =>
            {
                sizes.Add(ids.Count);
                return ids.Count > 1 ? new DeviceOutOfMemoryException("CUDA out of memory (injected)") : null;
            },
        };
        var jobs = new[] { NewJob("one", 1), NewJob("two", 2), NewJob("three", 3) };
        using (var engine = Engine(8, faults))
        {
            foreach (var job in jobs) engine.Admit(job);
            RunToEnd(engine);
        }
        Assert.All(jobs, j => Assert.Equal(JobState.Succeeded, j.State));
        Assert.Equal([3, 1, 2, 1, 1], sizes.Take(5));
        Assert.All(jobs, j => Assert.Single(j.Images));
    }

    [Fact]
    public void AFaultingBatchFailsItsJobsAndTheEngineGoesOn()
    {
        var fail = true;
        var faults = new DeviceFaultHook { BeforeStep = _ => fail ? new InvalidOperationException("kernel launch failed (injected)") : null };
        using var engine = Engine(8, faults);
        var first = new[] { NewJob("x", 1), NewJob("y", 2) };
        foreach (var job in first) engine.Admit(job);
        engine.StepNext();
        Assert.All(first, j => Assert.Equal(JobState.Failed, j.State));
        Assert.Contains("kernel launch failed", first[0].Snapshot(DateTimeOffset.UtcNow).Error);
        Assert.Equal(JobErrorCode.DeviceError, first[0].Snapshot(DateTimeOffset.UtcNow).ErrorCode);
        Assert.Equal(0, engine.ActiveJobs);

        fail = false;
        var next = NewJob("z", 3);
        engine.Admit(next);
        RunToEnd(engine);
        Assert.Equal(JobState.Succeeded, next.State);
    }

    [Fact]
    public void FinishedCanceledAndFailedJobsLeaveNoLiveTensors()
    {
        var fail = false;
        using var engine = Engine(8, new DeviceFaultHook { BeforeStep = _ => fail ? new InvalidOperationException("injected") : null });
        engine.Admit(NewJob("warm the negative cache", 1));
        RunToEnd(engine);
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        var canceled = NewJob("c", 2);
        engine.Admit(NewJob("s", 3, n: 2));
        engine.Admit(canceled);
        engine.StepNext();
        canceled.RequestCancel("leak check", DateTimeOffset.UtcNow);
        RunToEnd(engine);
        fail = true;
        engine.Admit(NewJob("f", 4));
        RunToEnd(engine);

        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void AnOverdueRunningJobFailsWithTimeoutAndAClientDeadlineCancels()
    {
        using var engine = Engine(8);
        var past = DateTimeOffset.UtcNow.AddSeconds(-1);
        var spec = TestSpecs.Of("late", "", 1, 1, 4, 5, 32, 32);
        var service = new Job("t1", spec, DateTimeOffset.UtcNow, null, null) { Deadline = past };
        var client = new Job("t2", spec, DateTimeOffset.UtcNow, null, null) { Deadline = past, DeadlineFromClient = true };
        engine.Admit(service);
        engine.Admit(client);
        engine.StepNext();
        Assert.Equal(JobState.Failed, service.State);
        Assert.Equal(JobErrorCode.Timeout, service.Snapshot(DateTimeOffset.UtcNow).ErrorCode);
        Assert.Equal(JobState.Canceled, client.State);
        Assert.Equal(0, engine.ActiveJobs);
    }
}
