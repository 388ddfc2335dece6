using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.Vae;
using TeEFusion.Tooling.RandomModels;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.Benchmarks;

/// <summary>
/// What a partial image costs: per preview, the fitted <see cref="LatentRgbProjection"/> (projection, upsample, PNG) against
/// a full VAE decode of the same x̂0 (decode, PNG); and a whole generation with partial_images 3 against 0 at the same
/// steps, run the way the worker runs a job (one sampler step at a time, x̂0 kept on the preview steps). Models: folders
/// (the bundled student, a random preset) and the SD3-medium-sized VAE alone with random weights, where a full decode is
/// what a preview must not cost.
/// </summary>
public static class PreviewBench
{
    /// <summary>One model's numbers (latencies null for the VAE-only row).</summary>
    public sealed record Row(string Model, int Width, int Height, int LatentChannels, double FitMs, double FitRmsError, Timing Preview,
        Timing FullDecodePreview, int Steps, Timing? PartialImages0, Timing? PartialImages3);

    public sealed record Report(MachineInfo Machine, IReadOnlyList<Row> Rows);

    /// <summary>Measures the bundled model and <paramref name="preset"/> (written to a temporary folder), then the SD3-sized VAE at <paramref name="vaeSize"/>.</summary>
    public static Report Run(string bundled, RandomModelPreset preset, int steps, int repeats, int vaeSize, Action<string> log)
    {
        var rows = new List<Row>();
        var scratch = Directory.CreateTempSubdirectory("teefusion-preview-bench-").FullName;
        try
        {
            foreach (var (name, folder) in new[] { ("bundled tiny-shapes", bundled), ($"random {RandomModelPresets.Name(preset)}", Path.Combine(scratch, "model")) })
            {
                if (folder.StartsWith(scratch, StringComparison.Ordinal)) RandomModelWriter.Write(folder, preset);
                using var pipeline = FolderPipeline.Load(folder, new PipelineOptions());
                rows.Add(Measure(name, pipeline, steps, repeats));
                log($"{name}: {Describe(rows[^1])}");
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        rows.Add(MeasureVae(RandomModelSpec.For(RandomModelPreset.Sd3Medium).Vae, vaeSize));
        log($"SD3-medium VAE: {Describe(rows[^1])}");
        return new Report(MachineInfo.Current("cpu"), rows);
    }

    public static string Save(Report report, string jsonPath) =>
        BenchFiles.Save(jsonPath, JsonSerializer.Serialize(report, BenchFiles.Json), Markdown(report));

    private static Row Measure(string name, SD3Pipeline pipeline, int steps, int repeats)
    {
        var size = pipeline.DefaultImageSize;
        var request = pipeline.Resolve(new GenerationRequest("a small yellow square at the bottom right on a purple background") { Seed = 1, Steps = steps });
        var (fitMs, projection) = Fit(pipeline.Components.Vae);
        using var _ = projection;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var latent = pipeline.InitialLatents([request]);                                             // (1, C, h, w)
        var preview = Timing.Measure(() => DrawPreview(projection, latent, size), warmup: 1, repeats);
        var decoded = Timing.Measure(() => DecodePreview(pipeline.Components.Vae, latent), warmup: 1, Math.Min(repeats, 3));
        var (plain, partial) = Alternate(() => Generate(pipeline, projection, request, 0), () => Generate(pipeline, projection, request, 3), repeats);
        return new Row(name, size, size, projection.LatentChannels, fitMs, projection.FitRmsError, preview, decoded, steps, plain, partial);
    }

    private static Row MeasureVae(AutoencoderKLConfig config, int size)
    {
        using var vae = new AutoencoderKL(config);
        var (fitMs, projection) = Fit(vae);
        using var _ = projection;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var latent = randn(1, config.LatentChannels, size / config.DownsampleFactor, size / config.DownsampleFactor); // (1, C, h, w)
        var preview = Timing.Measure(() => DrawPreview(projection, latent, size), warmup: 1, repeats: 5);
        var decoded = Timing.Measure(() => DecodePreview(vae, latent), warmup: 0, repeats: 1);
        return new Row("SD3-medium VAE (random weights)", size, size, config.LatentChannels, fitMs, projection.FitRmsError, preview, decoded, 0, null, null);
    }

    // The two cells run in turns after one warmup each, so that a shared machine's changing load falls on both alike.
    private static (Timing A, Timing B) Alternate(Action a, Action b, int repeats)
    {
        a();
        b();
        var (runsA, runsB) = (new List<Timing>(), new List<Timing>());
        for (var i = 0; i < repeats; i++)
        {
            runsA.Add(Timing.Measure(a, warmup: 0, repeats: 1));
            runsB.Add(Timing.Measure(b, warmup: 0, repeats: 1));
        }
        return (Combine(runsA), Combine(runsB));
    }

    private static Timing Combine(List<Timing> runs) => Timing.Of(runs.Select(r => r.MedianMs).ToList(), runs.Select(r => r.MedianCpuMs ?? 0).ToList());

    private static (double Ms, LatentRgbProjection Projection) Fit(AutoencoderKL vae)
    {
        var clock = Stopwatch.StartNew();
        var projection = LatentRgbProjection.Fit(vae);
        return (clock.Elapsed.TotalMilliseconds, projection);
    }

    private static byte[] DrawPreview(LatentRgbProjection projection, Tensor latent, int size)
    {
        using var scope = NewDisposeScope();
        return ImageFileWriter.EncodePreview(projection.Preview(latent, size, size), ImageOutput.Png);
    }

    private static byte[] DecodePreview(AutoencoderKL vae, Tensor latent)
    {
        using var scope = NewDisposeScope();
        return ImageFileWriter.EncodePreview(vae.Decode(latent).clamp(-1, 1), ImageOutput.Png);
    }

    // One job as the worker runs it: encode, step by step with x̂0 drawn after the preview steps, decode, encode the file.
    private static void Generate(SD3Pipeline pipeline, LatentRgbProjection projection, ResolvedGenerationRequest request, int partialImages)
    {
        // As the worker runs it: without autograd (recording a graph over the steps made the previewing run several times
        // its previews' cost slower).
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var previewAfter = PreviewSteps.For(partialImages, request.Steps);
        var conditioning = pipeline.EncodePrompts(pipeline.Tokenize([request])).WithGuidance([request.Guidance]);
        var schedule = pipeline.Components.Scheduler.GetSchedule(request.Steps);
        var sampler = pipeline.CreateSampler(request.Sampler);
        var x = pipeline.InitialLatents([request]);                                                  // (1, C, h, w)
        for (var i = 0; i < schedule.NumSteps; i++)
        {
            float sigma = schedule.Sigmas[i], sigmaNext = schedule.Sigmas[i + 1];
            var next = sampler.Step(new SamplerStepInput(x, [sigma], [sigmaNext], [i], conditioning)).Latents; // (1, C, h, w)
            if (previewAfter.Contains(i + 1))
                DrawPreview(projection, PredictedClean.FromStep(x, next, sigma, sigmaNext), request.Width);
            x = next;
        }
        pipeline.EncodePng(pipeline.Decode(x), [request]);
    }

    private static string Describe(Row r)
    {
        var latency = r.PartialImages0 is { } p0 && r.PartialImages3 is { } p3
            ? $", {r.Steps} steps: partial_images 0 {Ms(p0)} ms, 3 {Ms(p3)} ms"
            : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{r.Width}x{r.Height}, preview {Ms(r.Preview)} ms vs full decode {Ms(r.FullDecodePreview)} ms{latency}");
    }

    private static string Markdown(Report report)
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.AppendLine("# Partial images: preview cost and latency (CPU)");
        text.AppendLine();
        text.AppendLine(invariant, $"Machine: {report.Machine}. Medians of repeated runs as wall / CPU ms (min–max in the JSON): on a shared machine");
        text.AppendLine("the CPU time (all threads of the process) follows the work done, the wall time the other load too. `teefusion bench previews` made it.");
        text.AppendLine();
        text.AppendLine("| model | size | latent channels | fit (ms) | fit RMS error | preview (wall / CPU ms) | full VAE decode preview (wall / CPU ms) | steps | partial_images 0 (wall / CPU ms) | partial_images 3 (wall / CPU ms) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in report.Rows)
        {
            var steps = r.Steps > 0 ? r.Steps.ToString(invariant) : "–";
            text.AppendLine(invariant, $"| {r.Model} | {r.Width}x{r.Height} | {r.LatentChannels} | {r.FitMs:F0} | {r.FitRmsError:F3} | {Ms(r.Preview)} | {Ms(r.FullDecodePreview)} | {steps} | {Ms(r.PartialImages0)} | {Ms(r.PartialImages3)} |");
        }
        text.AppendLine();
        text.AppendLine("A preview is the fitted latent-to-RGB projection of x̂0, upsampled to the image size and encoded as PNG; the full-decode");
        text.AppendLine("column is the VAE decoder on the same latent plus the same PNG encoding. The latency columns run one job as the worker");
        text.AppendLine("does (prompt encoding, the sampler step by step, decode, PNG), without and with 3 previews after evenly spaced steps.");
        return text.ToString();
    }

    private static string Ms(Timing? timing) =>
        timing is null ? "–" : string.Create(CultureInfo.InvariantCulture, $"{timing.MedianMs:F1} / {timing.MedianCpuMs ?? double.NaN:F1}");
}
