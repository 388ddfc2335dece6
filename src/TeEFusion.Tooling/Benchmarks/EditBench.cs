using System.Diagnostics;
using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Tooling.Images;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>Times edits (img2img and inpainting at several strengths) against a generation of the same steps, in one pipeline.</summary>
public static class EditBench
{
    public static EditBenchReport Run(EditBenchSettings settings, Action<string>? log = null)
    {
        var sampler = SamplerSettings.Parse(settings.Sampler);
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var folder = Directory.CreateTempSubdirectory("teefusion-bench-edits-").FullName;
        try
        {
            RandomModelWriter.Write(folder, RandomModelPresets.Parse(settings.Preset), settings.Seed, TorchSharp.torch.ScalarType.Float32);
            using SD3Pipeline pipeline = sampler.Kind == SamplerKind.Student ? StudentPipeline.Load(folder) : TeacherPipeline.Load(folder);
            var request = pipeline.Resolve(new GenerationRequest(settings.Prompt) { Seed = settings.Seed, Steps = settings.Steps, Sampler = sampler });
            var (width, height) = (request.Width, request.Height);
            var (picture, mask) = (EditPictures.Picture((int)settings.Seed, width, height), EditPictures.RightHalfMask(width, height));

            var generation = Time(() => pipeline.Generate(request), settings);
            log?.Invoke($"generation {generation.Wall.MedianMs:F0} ms");
            var generationCpu = generation.Wall.MedianCpuMs!.Value;
            var rows = new List<EditBenchRow> { Row("generation", null, settings.Steps, generation, generationCpu) };
            foreach (var strength in settings.Strengths)
            {
                var runSteps = settings.Steps - StrengthSchedule.StartIndex(settings.Steps, strength);
                foreach (var (kind, file) in new[] { ("img2img", (byte[]?)null), ("inpaint", mask) })
                {
                    var edit = new ImageEdit(EditSource.Read(picture, file), strength);
                    var timed = Time(() => pipeline.Edit([request], edit), settings);
                    rows.Add(Row(kind, strength, runSteps, timed, generationCpu));
                    log?.Invoke($"{kind} strength {strength}: {timed.Wall.MedianMs:F0} ms, CPU {timed.Wall.MedianCpuMs:F0} ms ({runSteps} steps)");
                }
            }
            return new EditBenchReport("edits", started, clock.Elapsed.TotalSeconds, MachineInfo.Current("cpu"), settings, width, height, rows);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (Timing Wall, double DenoiseMs, int Passes) Time(Func<GenerationResult> run, EditBenchSettings settings)
    {
        for (var i = 0; i < settings.Warmup; i++) run();
        var results = new List<(double Wall, double Cpu, double Denoise, int Passes)>();
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < settings.Repeats; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var result = run();
            var wall = clock.Elapsed.TotalMilliseconds;
            process.Refresh();
            results.Add((wall, (process.TotalProcessorTime - cpu).TotalMilliseconds, result.Timings.DenoiseMs, result.Images[0].ModelPasses));
        }
        return (Timing.Of(results.Select(r => r.Wall).ToList(), results.Select(r => r.Cpu).ToList()),
            Timing.Of(results.Select(r => r.Denoise).ToList()).MedianMs, results[0].Passes);
    }

    private static EditBenchRow Row(string kind, double? strength, int stepsRun, (Timing Wall, double DenoiseMs, int Passes) t, double generationCpuMs) =>
        new(kind, strength, stepsRun, t.Passes, t.Wall.MedianMs, t.Wall.MinMs, t.Wall.MaxMs, t.DenoiseMs, t.Wall.MedianCpuMs!.Value,
            t.Wall.MedianCpuMs!.Value / generationCpuMs);
}
