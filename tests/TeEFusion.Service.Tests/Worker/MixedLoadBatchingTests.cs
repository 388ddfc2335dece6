using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Jobs;
using TeEFusion.Service.Tests.Jobs;
using TeEFusion.Service.Worker;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>
/// Student jobs on the student model and euler-cfg, z-sampling and w2sd jobs on the plain SD3 model, all in one padded
/// engine at once: every image is the one its job gives alone, cancels and deadlines end only their own job, and the
/// groups share the device by work (the least-served group steps next).
/// </summary>
[Collection("Sequential")]
public sealed class MixedLoadBatchingTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const int Width = 8;
    private static int _ids;

    private static readonly SamplerSettings Student = new(SamplerKind.Student);
    private static readonly SamplerSettings EulerCfg = new(SamplerKind.EulerCfg);
    private static readonly SamplerSettings ZSampling = new(SamplerKind.ZSampling);
    private static readonly SamplerSettings W2sd = new(SamplerKind.W2sd);

    [Fact]
    public void EveryImageOfAStaggeredMixedLoadIsItsRunAloneImageAndGroupsShareTheDeviceByWork()
    {
        // (steps run before the job is admitted, the job)
        var arrivals = new (int After, Order Order)[]
        {
            (0, new(TestSpecs.StudentModel, Student, "a red fox", 11, Steps: 4, Guidance: 4)),
            (0, new(EngineFixture.TeacherModel, EulerCfg, "a blue bird", 21, Steps: 3, Guidance: 4.5, Negative: "blurry")),
            (1, new(EngineFixture.TeacherModel, ZSampling, "a green tree", 31, Steps: 2, Guidance: 6)),
            (3, new(TestSpecs.StudentModel, Student, "a quiet harbour", 12, Steps: 3, Guidance: 7, Negative: "dark")),
            (3, new(EngineFixture.TeacherModel, EulerCfg, "a yellow kite", 22, Steps: 4, Guidance: 2)),
            (3, new(EngineFixture.TeacherModel, W2sd, "a stone bridge", 41, Steps: 3, Guidance: 5, Negative: "fog")),
        };
        var jobs = arrivals.ToDictionary(a => a.Order, a => a.Order.NewJob());
        var advanced = new List<Job[]>();
        var leastServed = new List<bool>();
        using (var engine = Engine(TimeProvider.System))
        {
            for (var step = 0; step <= arrivals.Max(a => a.After) || engine.ActiveJobs > 0; step++)
            {
                foreach (var (_, order) in arrivals.Where(a => a.After == step)) engine.Admit(jobs[order]);
                var running = jobs.Values.Where(j => j.State == JobState.Running).Select(j => j.Spec.Request.Sampler).ToHashSet();
                var work = engine.GroupWork.Where(w => running.Contains(w.Key.Sampler)).ToDictionary();
                var moved = Advance(engine, jobs.Values);
                advanced.Add(moved);
                // The group that stepped had had the least work of the groups already running (a new one joins level with the least).
                var group = work.Keys.FirstOrDefault(g => moved.Length > 0 && g.Sampler == moved[0].Spec.Request.Sampler);
                if (work.ContainsKey(group)) leastServed.Add(work[group] <= work.Values.Min());
                Assert.True(step < 100, "the engine did not finish the load");
            }
        }

        Assert.All(jobs.Values, j => Assert.Equal(JobState.Succeeded, j.State));
        foreach (var (order, job) in jobs) AssertAsAlone(order, job);
        var groups = jobs.ToDictionary(j => j.Value, j => j.Key.Group);
        Assert.All(advanced, step => Assert.Single(step.Select(j => groups[j]).Distinct()));
        // Jobs of one model and sampler shared steps: CFG rows with their own guidance and negative prompts, student rows with theirs.
        Assert.Contains(advanced, step => step.Length == 2 && step.All(j => j.Spec.Request.Sampler == EulerCfg));
        Assert.Contains(advanced, step => step.Length == 2 && step.All(j => j.Spec.Request.Sampler == Student));
        Assert.NotEmpty(leastServed);
        Assert.All(leastServed, Assert.True);
        // Work, not turns: a student step costs a pass per row, a z-sampling step six, so the student group steps more often.
        var steps = advanced.Where(a => a.Length > 0).Select(step => groups[step[0]]).ToList();
        Assert.True(steps.Count(g => g.EndsWith("/student")) > steps.Count(g => g.EndsWith("/z-sampling")), string.Join(", ", steps));
    }

    [Fact]
    public void CancelAndDeadlinesEndOnlyTheirOwnJobsInAMixedLoad()
    {
        var time = new ManualTime();
        var keepStudent = new Order(TestSpecs.StudentModel, Student, "a lighthouse", 5, Steps: 4, Guidance: 3);
        var keepTeacher = new Order(EngineFixture.TeacherModel, EulerCfg, "a windmill", 6, Steps: 4, Guidance: 4, Negative: "rain");
        var canceled = new Order(EngineFixture.TeacherModel, ZSampling, "a storm", 7, Steps: 4, Guidance: 5).NewJob();
        var timedOut = new Order(EngineFixture.TeacherModel, EulerCfg, "a late train", 8, Steps: 4, Guidance: 6)
            .NewJob(deadline: time.Now.AddMinutes(1));
        var clientDeadline = new Order(TestSpecs.StudentModel, Student, "a late bus", 9, Steps: 4, Guidance: 2)
            .NewJob(deadline: time.Now.AddMinutes(1), fromClient: true);
        var (student, teacher) = (keepStudent.NewJob(), keepTeacher.NewJob());
        Job[] all = [student, teacher, canceled, timedOut, clientDeadline];
        using (var engine = Engine(time))
        {
            foreach (var job in all) engine.Admit(job);
            for (var i = 0; i < 3; i++) engine.StepNext();
            Assert.All(all, j => Assert.Equal(1, j.Snapshot(time.Now).Step));   // each group has stepped once: all are mid-run
            Assert.Equal(JobState.Running, canceled.RequestCancel("user asked", time.Now));
            time.Now += TimeSpan.FromMinutes(2);
            engine.StepNext();
            Assert.Equal(2, engine.ActiveJobs);
            RunToEnd(engine);
        }

        Assert.Equal((JobState.Canceled, JobErrorCode.Canceled), Outcome(canceled));
        Assert.Equal("user asked", canceled.Snapshot(time.Now).Error);
        Assert.Equal((JobState.Failed, JobErrorCode.Timeout), Outcome(timedOut));
        Assert.Equal((JobState.Canceled, JobErrorCode.Canceled), Outcome(clientDeadline));
        Assert.All(new[] { canceled, timedOut, clientDeadline }, j => Assert.Empty(j.Images));
        AssertAsAlone(keepStudent, student);
        AssertAsAlone(keepTeacher, teacher);

        (JobState, JobErrorCode?) Outcome(Job job) => (job.State, job.Snapshot(time.Now).ErrorCode);
    }

    [Fact]
    public void UnderAClosedLoopOnBothModelsEachModelGetsHalfTheDeviceSoTheStudentFinishesTwiceAsManyImages()
    {
        // Two clients per model, each sending its next job when the last one ends, into one queue and a batch of two:
        // the queue always holds jobs of both models, as in a service under load. One line for all models would let them
        // finish equally many jobs; choosing by work gives each model half the device, and a CFG job needs twice the work.
        using var signal = new WorkerSignal();
        var queue = new GenerationQueue(Microsoft.Extensions.Options.Options.Create(new Options.QueueOptions { Capacity = 8 }), signal);
        var student = new Order(TestSpecs.StudentModel, Student, "a red fox", 1, Steps: 2, Guidance: 4);
        var teacher = new Order(EngineFixture.TeacherModel, EulerCfg, "a blue bird", 2, Steps: 2, Guidance: 4);
        var pending = new List<(Order Order, Job Job)>();
        void Send(Order order)
        {
            var job = order.NewJob();
            Assert.True(queue.TryEnqueue(job));
            pending.Add((order, job));
        }
        foreach (var order in new[] { teacher, teacher, student, student }) Send(order);
        var finished = new List<string>();
        using (var engine = new BatchEngine(fixture.Models, maxBatchSize: 2, padToMaxBatchSize: false, ResiliencePipeline.Empty,
                   new DeviceFaultHook(), new WorkerInstruments(fixture.Telemetry), fixture.Publisher, TimeProvider.System, NullLogger.Instance))
        {
            for (var loop = 0; finished.Count < 30; loop++)
            {
                Assert.True(loop < 1000, "the load did not finish 30 jobs");
                var heads = queue.Heads();
                if (heads.Count > 0 && engine.ChooseAdmission(heads, DateTimeOffset.UtcNow) is var next && engine.CanAdmit(next))
                {
                    Assert.True(queue.TryTake(next));
                    engine.Admit(next);
                    continue;
                }
                engine.StepNext();
                foreach (var done in pending.Where(p => p.Job.IsFinished).ToList())
                {
                    Assert.Equal(JobState.Succeeded, done.Job.State);
                    pending.Remove(done);
                    finished.Add(done.Order.Model);
                    Send(done.Order);
                }
            }
        }

        var students = finished.Count(m => m == TestSpecs.StudentModel);
        var teachers = finished.Count - students;
        Assert.True(students >= 1.6 * teachers, $"the student finished {students} jobs and the teacher {teachers}: {string.Join(", ", finished)}");
    }

    // One StepNext; the jobs whose progress moved (one group's).
    private static Job[] Advance(BatchEngine engine, IEnumerable<Job> jobs)
    {
        var before = jobs.ToDictionary(j => j, j => j.Snapshot(DateTimeOffset.UtcNow).Step);
        engine.StepNext();
        return before.Where(b => b.Key.Snapshot(DateTimeOffset.UtcNow).Step > b.Value).Select(b => b.Key).ToArray();
    }

    // The job's image equals the one it gives alone in an engine of the same width as the mixed runs.
    private void AssertAsAlone(Order order, Job mixed)
    {
        using var engine = Engine(TimeProvider.System);
        var alone = order.NewJob();
        engine.Admit(alone);
        RunToEnd(engine);
        Assert.Equal(JobState.Succeeded, alone.State);
        Assert.True(alone.Images[0].SequenceEqual(mixed.Images[0]), $"{order} gave other bytes in the mixed load than alone");
    }

    private static void RunToEnd(BatchEngine engine)
    {
        for (var i = 0; i < 100 && engine.ActiveJobs > 0; i++) engine.StepNext();
        Assert.Equal(0, engine.ActiveJobs);
    }

    private BatchEngine Engine(TimeProvider time) => new(fixture.Models, Width, padToMaxBatchSize: true, ResiliencePipeline.Empty, new DeviceFaultHook(),
        new WorkerInstruments(fixture.Telemetry), fixture.Publisher, time, NullLogger.Instance);

    /// <summary>One job's request: which model and sampler run it, and everything its image depends on.</summary>
    private sealed record Order(string Model, SamplerSettings Sampler, string Prompt, long Seed, int Steps, double Guidance, string Negative = "")
    {
        public string Group => $"{Model}/{Sampler.Name}";

        public Job NewJob(DateTimeOffset? deadline = null, bool fromClient = false) =>
            new($"mixed{Interlocked.Increment(ref _ids)}", TestSpecs.Of(Prompt, Negative, 1, Seed, Steps, Guidance, 32, 32, Sampler, Model),
                DateTimeOffset.UtcNow, Model, "v") { Deadline = deadline, DeadlineFromClient = fromClient };
    }
}
