using System.CommandLine;
using System.Globalization;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Commands;

internal static partial class BenchCommand
{
    private static Command Fleet()
    {
        var d = new FleetBenchSettings { ServiceDll = BuiltService.DllPath };
        string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
        var replicas = List("--replicas", "Replica counts, one cell each, e.g. 1,2,4,8,16.", string.Join(",", d.Replicas));
        var preset = new Option<string>("--preset") { Description = "Random preset that encodes the prompts.", DefaultValueFactory = _ => d.Preset };
        var size = new Option<string>("--size") { Description = "Image size WxH of the requests.", DefaultValueFactory = _ => $"{d.Width}x{d.Height}" };
        var steps = Int("--steps", "Steps per image.", d.Steps);
        var maxBatch = Int("--max-batch", "Batching:MaxBatchSize of every replica.", d.MaxBatchSize);
        var prefetch = Int("--prefetch", "Redis:PrefetchJobs of every replica.", d.PrefetchJobs);
        var stepMs = new Option<double>("--step-ms") { Description = "a of the simulated step time a + b·rows, in ms.", DefaultValueFactory = _ => d.StepMillisecondsFixed };
        var rowMs = new Option<double>("--row-ms") { Description = "b of the simulated step time a + b·rows, in ms.", DefaultValueFactory = _ => d.StepMillisecondsPerRow };
        var imageBytes = Int("--image-bytes", "Size of the simulated device's fixed image.", d.ImageBytes);
        var load = new Option<double>("--load") { Description = $"Arrival rate ÷ the replicas' modeled capacity (default {Text(d.Load)}: saturating).", DefaultValueFactory = _ => d.Load };
        var arrivalSeconds = Int("--arrival-seconds", "Seconds of arrivals per cell.", d.ArrivalSeconds);
        var warmup = Int("--warmup", "Untimed requests per replica after each start.", d.Warmup);
        var imageStore = List("--image-store", "ImageStore:* settings for every replica as Key=Value pairs, e.g. Provider=FileSystem,Path=/tmp/images (Path is measured).", "");
        var redis = new Option<string?>("--redis") { Description = "An existing Redis (host:port); default: start a throwaway redis-server. It is emptied before each cell." };
        var redisServer = new Option<string>("--redis-server") { Description = "redis-server executable to start.", DefaultValueFactory = _ => d.RedisServer };
        var serviceDll = ServiceDll(d.ServiceDll);
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/fleet-cpu.json)." };

        var command = new Command("fleet", "Benchmark 1..N replicas on one Redis with the simulated device under an open-loop load: throughput, latency, batch fill, Redis cost per job.")
        {
            replicas, preset, size, steps, maxBatch, prefetch, stepMs, rowMs, imageBytes, load, arrivalSeconds, warmup, imageStore, redis, redisServer, serviceDll, output,
        };
        command.SetAction((parse, cancel) => RunWithChildProcessesAsync(async () =>
        {
            var (width, height) = GenerateBenchSettings.ParseSize(parse.GetValue(size)!);
            var settings = d with
            {
                Replicas = ParseInts("--replicas", parse.GetValue(replicas)!),
                Preset = parse.GetValue(preset)!,
                Width = width,
                Height = height,
                Steps = parse.GetValue(steps),
                MaxBatchSize = parse.GetValue(maxBatch),
                PrefetchJobs = parse.GetValue(prefetch),
                StepMillisecondsFixed = parse.GetValue(stepMs),
                StepMillisecondsPerRow = parse.GetValue(rowMs),
                ImageBytes = parse.GetValue(imageBytes),
                Load = parse.GetValue(load),
                ArrivalSeconds = parse.GetValue(arrivalSeconds),
                Warmup = parse.GetValue(warmup),
                ImageStore = FleetBenchSettings.ParsePairs("--image-store", parse.GetValue(imageStore)!),
                Redis = parse.GetValue(redis),
                RedisServer = parse.GetValue(redisServer)!,
                ServiceDll = parse.GetValue(serviceDll)!,
            };
            settings.Validate();
            var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", "fleet-cpu.json");
            Console.Error.WriteLine($"Benchmarking a fleet of {string.Join(", ", settings.Replicas)} replica(s) on one Redis (simulated device); results go to {jsonPath}.");
            return (await FleetBench.RunAsync(settings, Console.Error.WriteLine, cancel), jsonPath);
        }, cancel));
        return command;
    }
}
