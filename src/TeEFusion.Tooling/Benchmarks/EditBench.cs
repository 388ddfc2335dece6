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

            var cells = new List<(string Kind, double? Strength, int StepsRun, Func<GenerationResult> Run)>
            {
                ("generation", null, settings.Steps, () => pipeline.Generate(request)),
            };
            foreach (var strength in settings.Strengths)
            {
                var runSteps = settings.Steps - StrengthSchedule.StartIndex(settings.Steps, strength);
                foreach (var (kind, file) in new[] { ("img2img", (byte[]?)null), ("inpaint", mask) })
                {
                    var edit = new ImageEdit(EditSource.Read(picture, file), strength);
                    cells.Add((kind, strength, runSteps, () => pipeline.Edit([request], edit)));
                }
            }
            // One untimed pass over every cell first: the first calls of each code path pay for JIT compilation and the
            // kernels' first runs, which otherwise land on the generation row that every ratio divides by.
            foreach (var cell in cells) cell.Run();
            var rows = new List<EditBenchRow>();
            double? generationCpu = null;
            foreach (var (kind, strength, runSteps, run) in cells)
            {
                var timed = Time(run, settings);
                generationCpu ??= timed.Wall.MedianCpuMs!.Value;
                rows.Add(Row(kind, strength, runSteps, timed, generationCpu.Value));
                log?.Invoke($"{kind}{(strength is { } s ? $" strength {s}" : "")}: {timed.Wall.MedianMs:F0} ms, CPU {timed.Wall.MedianCpuMs:F0} ms ({runSteps} steps)");
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
