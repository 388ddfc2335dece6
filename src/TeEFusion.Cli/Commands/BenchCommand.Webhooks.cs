using System.CommandLine;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Commands;

internal static partial class BenchCommand
{
    private static Command Webhooks()
    {
        var d = new WebhookBenchSettings { ServiceDll = BuiltService.DllPath };
        var preset = new Option<string>("--preset") { Description = "Random preset of the served model.", DefaultValueFactory = _ => d.Preset };
        var size = new Option<string>("--size") { Description = "Image size WxH.", DefaultValueFactory = _ => $"{d.Width}x{d.Height}" };
        var steps = Int("--steps", "Steps per image.", d.Steps);
        var warmup = Int("--warmup", "Untimed jobs after the start.", d.Warmup);
        var jobs = Int("--jobs", "Jobs whose delivery latency is measured.", d.Jobs);
        var stepJobs = Int("--step-jobs", "Jobs timed per step-time phase.", d.StepJobs);
        var pending = Int("--pending", "Deliveries held pending by the slow receiver in the second phase.", d.Pending);
        var slowSeconds = Int("--slow-seconds", "How long the slow receiver holds each request.", d.SlowSeconds);
        var serviceDll = ServiceDll(d.ServiceDll);
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/webhooks-cpu.json)." };

        var command = new Command("webhooks", "Benchmark job webhooks: delivery latency after a job ends, and step time with and without pending deliveries.")
        {
            preset, size, steps, warmup, jobs, stepJobs, pending, slowSeconds, serviceDll, output,
        };
        command.SetAction((parse, cancel) => RunWithChildProcessesAsync(async () =>
        {
            var (width, height) = GenerateBenchSettings.ParseSize(parse.GetValue(size)!);
            var settings = d with
            {
                Preset = parse.GetValue(preset)!, Width = width, Height = height, Steps = parse.GetValue(steps), Warmup = parse.GetValue(warmup), Jobs = parse.GetValue(jobs),
                StepJobs = parse.GetValue(stepJobs), Pending = parse.GetValue(pending), SlowSeconds = parse.GetValue(slowSeconds),
                ServiceDll = parse.GetValue(serviceDll)!,
            };
            settings.Validate();
            var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", "webhooks-cpu.json");
            Console.Error.WriteLine($"Benchmarking webhooks ({settings.Preset} {width}x{height}, {settings.Steps} step(s)); results go to {jsonPath}.");
            return (await WebhookBench.RunAsync(settings, Console.Error.WriteLine, cancel), jsonPath);
        }, cancel));
        return command;
    }
}
