using System.CommandLine;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Commands;

// `teefusion bench distill-latency`: inference p50/p95 with and without an active distillation run (bench/README.md).
internal static partial class BenchCommand
{
    private static Command DistillLatency()
    {
        var d = new DistillLatencyBenchSettings { ServiceDll = BuiltService.DllPath };
        var preset = new Option<string>("--preset") { Description = "Random preset of the served model.", DefaultValueFactory = _ => d.Preset };
        var size = new Option<string>("--size") { Description = "Image size WxH of the requests.", DefaultValueFactory = _ => $"{d.Width}x{d.Height}" };
        var steps = Int("--steps", "Steps per image.", d.Steps);
        var requests = Int("--requests", "Timed requests per phase.", d.Requests);
        var warmup = Int("--warmup", "Untimed requests after the service start.", d.Warmup);
        var gap = Int("--gap-ms", "Mean pause between requests (uniform in [0, 2·gap]).", d.GapMilliseconds);
        var phaseSeconds = Int("--phase-seconds", "Time limit of one phase.", d.PhaseSeconds);
        var sampler = new Option<string>("--distill-sampler") { Description = "The run's teacher sampler.", DefaultValueFactory = _ => d.DistillSampler };
        var distillSteps = Int("--distill-steps", "The run's schedule steps.", d.DistillSteps);
        var distillBatch = Int("--distill-batch", "The run's trajectories per iteration.", d.DistillBatch);
        var bound = Int("--bound-ms", "Distillation:MaxInferenceWaitMilliseconds of the service (0: no bound).", d.BoundMilliseconds);
        var serviceDll = ServiceDll(d.ServiceDll);
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/distill-latency-cpu.json)." };

        var command = new Command("distill-latency", "Inference latency (p50/p95) of the real service with and without an active distillation run.")
        {
            preset, size, steps, requests, warmup, gap, phaseSeconds, sampler, distillSteps, distillBatch, bound, serviceDll, output,
        };
        command.SetAction((parse, cancel) => RunWithChildProcessesAsync(async () =>
        {
            var (width, height) = GenerateBenchSettings.ParseSize(parse.GetValue(size)!);
            var settings = d with
            {
                Preset = parse.GetValue(preset)!, Width = width, Height = height, Steps = parse.GetValue(steps), Requests = parse.GetValue(requests),
                Warmup = parse.GetValue(warmup), GapMilliseconds = parse.GetValue(gap), PhaseSeconds = parse.GetValue(phaseSeconds),
                DistillSampler = parse.GetValue(sampler)!, DistillSteps = parse.GetValue(distillSteps), DistillBatch = parse.GetValue(distillBatch),
                BoundMilliseconds = parse.GetValue(bound), ServiceDll = parse.GetValue(serviceDll)!,
            };
            settings.Validate();
            var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", "distill-latency-cpu.json");
            Console.Error.WriteLine($"Benchmarking inference latency during distillation ({settings.Preset} {width}x{height}); results go to {jsonPath}.");
            return (await DistillLatencyBench.RunAsync(settings, Console.Error.WriteLine, cancel), jsonPath);
        }, cancel));
        return command;
    }
}
