using System.Diagnostics;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// Times whole generations (tokenize → encode → denoise → decode → PNG) of the TeEFusion student and the CFG teachers
/// on one model folder, one image per call, and records the resident memory of loading and of each sampler.
/// </summary>
public static class GenerateBench
{
    public const string StudentPipelineName = "student";
    public const string TeacherPipelineName = "teacher";

    /// <summary>
    /// Runs every sampler of <paramref name="settings"/>. Without a model folder, the preset is written to a temporary
    /// folder first and deleted afterwards. <paramref name="log"/> receives one line per finished phase.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid, or the size does not fit the model.</exception>
    /// <exception cref="TeEFusion.Core.IO.ModelFormatException">The model folder cannot be loaded.</exception>
    public static GenerateBenchReport Run(GenerateBenchSettings settings, Action<string>? log = null)
    {
        settings.Validate();
        var compute = settings.ParseCompute();
        var samplers = settings.ParseSamplers();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        string? written = null;
        try
        {
            var folder = settings.Model;
            double? writeSeconds = null;
            if (folder is null)
            {
                written = Directory.CreateTempSubdirectory("teefusion-bench-generate-").FullName;
                folder = written;
                RandomModelWriter.Write(written, RandomModelPresets.Parse(settings.ResolvedPreset), settings.Seed, compute.DType);
                writeSeconds = clock.Elapsed.TotalSeconds;
                log?.Invoke($"wrote the random {settings.ResolvedPreset} model to {written} in {writeSeconds:F1} s");
            }
            var source = settings.ResolvedPreset is { } preset ? $"preset {preset} (random weights, seed {settings.Seed})" : Path.GetFullPath(folder);
            var options = new PipelineOptions { Compute = compute, ModelId = settings.ModelTag };

            var perPhase = true;
            GenerateBenchModel? model = null;
            var loads = new List<GenerateBenchLoad>();
            var rows = new List<GenerateBenchRow>();
            // One pipeline at a time, so that each load and peak is that pipeline's alone.
            foreach (var group in samplers.GroupBy(s => s.Kind == SamplerKind.Student))
            {
                var name = group.Key ? StudentPipelineName : TeacherPipelineName;
                ProcessMemory.Release();
                perPhase &= ProcessMemory.TryResetPeak();
                var before = ProcessMemory.ResidentMib();
                var loadClock = Stopwatch.StartNew();
                using SD3Pipeline pipeline = group.Key ? StudentPipeline.Load(folder, options) : TeacherPipeline.Load(folder, options);
                // The kernel's per-thread RSS counters lag by a few pages, so a peak read after the resident size can
                // come out a hair below it; the peak is at least what was resident.
                var after = ProcessMemory.ResidentMib();
                var peak = ProcessMemory.PeakResidentMib();
                if (peak is { } hwm && after is { } rss) peak = Math.Max(hwm, rss);
                var load = new GenerateBenchLoad(name, loadClock.Elapsed.TotalSeconds, before, after, peak);
                loads.Add(load);
                log?.Invoke($"{name} pipeline loaded in {load.Seconds:F1} s, resident {load.RssAfterMib:F0} MiB");
                model ??= GenerateBenchModel.Describe(pipeline.Components, source, settings.ResolvedPreset, writeSeconds);
                foreach (var sampler in group)
                {
                    perPhase &= ProcessMemory.TryResetPeak();
                    var row = Measure(pipeline, name, sampler, settings, log);
                    rows.Add(row);
                    log?.Invoke($"{row.Sampler,-10} {row.MedianMs,10:F1} ms/image ({row.PassesPerImage} passes, denoise {row.DenoiseMs:F1} ms, " +
                                $"peak {row.PeakRssMib:F0} MiB, {clock.Elapsed.TotalSeconds:F0} s elapsed)");
                }
            }
            var peaks = loads.Select(l => l.PeakMib).Concat(rows.Select(r => r.PeakRssMib)).OfType<double>().ToList();
            return new GenerateBenchReport("generate", started, clock.Elapsed.TotalSeconds, MachineInfo.Current(settings.Device), settings,
                model!, perPhase, peaks.Count > 0 ? peaks.Max() : null, loads, WithRatios(rows));
        }
        finally
        {
            if (written is not null) Directory.Delete(written, recursive: true);
        }
    }

    private static GenerateBenchRow Measure(SD3Pipeline pipeline, string pipelineName, SamplerSettings sampler, GenerateBenchSettings settings,
        Action<string>? log)
    {
        var request = pipeline.Resolve(new GenerationRequest(settings.Prompt)
        {
            Seed = settings.Seed, Steps = settings.Steps, Guidance = settings.Guidance, Width = settings.Width, Height = settings.Height,
            Sampler = sampler,
        });
        for (var i = 0; i < settings.Warmup; i++) pipeline.Generate(request);

        var runs = new List<(GenerationTimings Phases, double WallMs, int Passes)>();
        for (var i = 0; i < settings.Repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            var result = pipeline.Generate(request);
            runs.Add((result.Timings, clock.Elapsed.TotalMilliseconds, result.Images[0].ModelPasses));
            if (i == 0)
                foreach (var warning in result.Warnings) log?.Invoke($"{sampler.Name}: warning: {warning}");
        }
        // The same request must cost the same passes every time, or ms/pass would mix different work.
        var passes = runs[0].Passes;
        if (runs.Any(r => r.Passes != passes))
            throw new InvalidOperationException($"{sampler.Name} reported {string.Join(", ", runs.Select(r => r.Passes))} passes for the same request.");

        double Median(Func<GenerationTimings, double> phase) => Timing.Of(runs.Select(r => phase(r.Phases)).ToList()).MedianMs;
        var wall = Timing.Of(runs.Select(r => r.WallMs).ToList());
        var denoise = Median(t => t.DenoiseMs);
        return new GenerateBenchRow(sampler.Name, pipelineName, request.Steps, request.Width, request.Height,
            request.Guidance, passes, (double)passes / request.Steps,
            Median(t => t.TokenizeMs), Median(t => t.EncodeMs), denoise, Median(t => t.DecodeMs), Median(t => t.PngMs),
            wall.MedianMs, wall.MinMs, wall.MaxMs, settings.Warmup, wall.Repeats, denoise / passes,
            RatioToStudent: null, DenoiseRatioToStudent: null, ProcessMemory.PeakResidentMib());
    }

    private static IReadOnlyList<GenerateBenchRow> WithRatios(List<GenerateBenchRow> rows)
    {
        var student = rows.FirstOrDefault(r => r.Pipeline == StudentPipelineName);
        if (student is null) return rows;
        return rows.Select(r => r == student ? r : r with
        {
            RatioToStudent = r.MedianMs / student.MedianMs,
            DenoiseRatioToStudent = r.DenoiseMs / student.DenoiseMs,
        }).ToList();
    }
}
