using System.Diagnostics;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Runtime;
using TeEFusion.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Times one sampler step of the TeEFusion student and the three CFG teachers on a random-weight MMDiT,
/// so that the cost of a step (and the teacher/student ratio) can be read per dtype and batch size.
/// </summary>
public static class TransformerBench
{
    public const string StudentName = "student-euler";

    /// <summary>Runs every sampler × dtype × batch; <paramref name="log"/> receives one line per finished row.</summary>
    public static TransformerBenchReport Run(TransformerBenchSettings settings, Action<string>? log = null)
    {
        settings.Validate();
        var device = settings.ParseDevice();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var schedule = new FlowMatchEulerDiscreteScheduler(new FlowMatchEulerDiscreteSchedulerConfig { Shift = settings.Shift })
            .GetSchedule(settings.ScheduleSteps);
        var rows = new List<TransformerBenchRow>();
        using var noGrad = no_grad();
        foreach (var dtypeName in settings.DTypes)
        {
            var dtype = TransformerBenchSettings.ParseDType(dtypeName);
            manual_seed(settings.Seed);
            using var student = new SD3Transformer2DModel(settings.StudentConfig(), device, dtype);
            using var teacher = new SD3Transformer2DModel(settings.TeacherConfig(), device, dtype);
            student.eval();
            teacher.eval();
            IFlowMatchSampler[] samplers =
            [
                new StudentEuler(student),
                new EulerCfg(teacher),
                new ZSamplingCfg(teacher),
                new W2sdCfg(teacher, W2sdPair.GuidanceGap(settings.W2sdStrong, settings.W2sdWeak)),
            ];
            foreach (var batch in settings.Batches)
            {
                using var scope = NewDisposeScope();
                var conditioning = Conditioning(settings, batch, device, dtype);
                var latents = LatentNoise.Sample(
                    Enumerable.Range(0, batch).Select(i => settings.Seed + i).ToArray(),
                    settings.Channels, settings.Latent, settings.Latent, device, dtype); // (B, C, h, w)
                TransformerBenchRow? studentRow = null;
                foreach (var sampler in samplers)
                {
                    var row = Measure(settings, sampler, schedule, latents, conditioning, dtypeName, batch, device, studentRow);
                    if (sampler.Name == StudentName) studentRow = row;
                    rows.Add(row);
                    log?.Invoke($"{row.Sampler,-15} {row.DType,-9} batch {row.Batch}: {row.MedianMs,9:F1} ms/step " +
                                $"({row.PassesPerStep} passes, {row.MsPerPass:F1} ms/pass, {row.TensorsPerStep} tensors/step, " +
                                $"{clock.Elapsed.TotalSeconds:F0} s elapsed)");
                }
            }
        }
        return new TransformerBenchReport("transformer", started, clock.Elapsed.TotalSeconds, MachineInfo.Current(settings.Device), settings, rows);
    }

    private static TransformerBenchRow Measure(TransformerBenchSettings settings, IFlowMatchSampler sampler, SigmaSchedule schedule,
        Tensor latents, SamplingConditioning conditioning, string dtypeName, int batch, Device device, TransformerBenchRow? student)
    {
        var reflective = sampler is ZSamplingCfg or W2sdCfg;
        var (warmup, repeats) = reflective ? (settings.ReflectiveWarmup, settings.ReflectiveRepeats) : (settings.Warmup, settings.Repeats);
        int[]? passes = null;
        SamplerStepInput Input(Tensor x, int i) => new(x,
            Enumerable.Repeat(schedule.Sigmas[i], batch).ToArray(),
            Enumerable.Repeat(schedule.Sigmas[i + 1], batch).ToArray(),
            Enumerable.Repeat(i, batch).ToArray(),
            conditioning);
        var hostMs = new List<double>();
        var timing = Timing.Measure(() =>
        {
            using var scope = NewDisposeScope();
            var issuing = Stopwatch.StartNew();
            var x = latents;
            for (var i = 0; i < settings.StepsPerSample; i++)
            {
                var result = sampler.Step(Input(x, i));
                passes = CheckPasses(sampler, result.ModelPasses, passes);
                x = result.Latents;
            }
            // The host's share: until here the thread issued the work; a device may still be running it.
            hostMs.Add(issuing.Elapsed.TotalMilliseconds);
            // CUDA runs asynchronously: the clock must not stop before the step's kernels have.
            if (device.type == DeviceType.CUDA) cuda.synchronize(device);
        }, warmup, repeats);
        var perStep = timing.Per(settings.StepsPerSample);
        var host = Timing.Of(hostMs.Skip(warmup).ToList()).Per(settings.StepsPerSample);
        // After the timed calls, so nothing built once on a first call is counted.
        var tensors = TensorCounter.Measure(() =>
        {
            using var scope = NewDisposeScope();
            sampler.Step(Input(latents, 0));
        });
        var passesPerStep = passes!.Sum();
        return new TransformerBenchRow(sampler.Name, dtypeName, batch, passes![0], passesPerStep,
            perStep.MedianMs, perStep.MinMs, perStep.MaxMs, warmup, perStep.Repeats,
            perStep.MedianMs / passesPerStep,
            sampler.Name == StudentName ? null : perStep.MedianMs / student!.MedianMs,
            perStep.MedianCpuMs!.Value,
            sampler.Name == StudentName ? null : perStep.MedianCpuMs!.Value / student!.MedianCpuMs,
            tensors.TensorsCreated,
            host.MedianMs);
    }

    // Every sample of a non-final step should cost the same; a change between calls would make ms/pass meaningless.
    private static int[] CheckPasses(IFlowMatchSampler sampler, int[] reported, int[]? previous)
    {
        if (reported.Distinct().Count() != 1)
            throw new InvalidOperationException($"{sampler.Name} reported unequal passes per sample [{string.Join(", ", reported)}] for a uniform batch.");
        if (previous is not null && !previous.SequenceEqual(reported))
            throw new InvalidOperationException($"{sampler.Name} reported [{string.Join(", ", reported)}] passes after [{string.Join(", ", previous)}].");
        return reported;
    }

    private static SamplingConditioning Conditioning(TransformerBenchSettings settings, int batch, Device device, ScalarType dtype)
    {
        PromptEmbeddings Prompt() => new(
            randn([batch, settings.Tokens, settings.JointAttentionDim], dtype: dtype, device: device), // (B, T, D)
            randn([batch, settings.PooledDim], dtype: dtype, device: device));                         // (B, P)
        return new SamplingConditioning(Prompt(), Prompt(), Enumerable.Repeat(settings.Guidance, batch).ToArray());
    }
}
