using System.CommandLine;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Commands;

internal static partial class BenchCommand
{
    private static Command JobStore()
    {
        var d = new JobStoreBenchSettings { ServiceDll = BuiltService.DllPath };
        var preset = new Option<string>("--preset") { Description = "Random preset of the served model.", DefaultValueFactory = _ => d.Preset };
        var size = new Option<string>("--size") { Description = "Image size WxH.", DefaultValueFactory = _ => $"{d.Width}x{d.Height}" };
        var steps = Int("--steps", "Steps per image.", d.Steps);
        var concurrency = List("--concurrency", "Concurrent clients per cell, e.g. 1,8 (the lowest gives the per-job overhead).", string.Join(",", d.Concurrency));
        var requests = Int("--requests", "Requests per cell.", d.Requests);
        var warmup = Int("--warmup", "Untimed requests after each start.", d.Warmup);
        var cellSeconds = Int("--cell-seconds", "Time limit of one cell.", d.CellSeconds);
        var redis = new Option<string?>("--redis") { Description = "An existing Redis (host:port[,options]); default: start a throwaway redis-server." };
        var redisServer = new Option<string>("--redis-server") { Description = "redis-server executable to start.", DefaultValueFactory = _ => d.RedisServer };
        var imageStore = new Option<string>("--image-store")
        {
            Description = "Where the services keep finished images: memory, filesystem (a temp directory) or s3 (a throwaway s3rver).",
            DefaultValueFactory = _ => d.ImageStore,
        };
        var s3rver = new Option<string>("--s3rver") { Description = "s3rver's script, started for --image-store s3 (npm ci in tests/s3).", DefaultValueFactory = _ => d.S3rver };
        var serviceDll = ServiceDll(d.ServiceDll);
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/jobstore-cpu.json)." };

        var command = new Command("jobstore", "Benchmark the Redis job store against the in-process one: per-job overhead, one vs two instances on one Redis, and Redis bytes per finished job.")
        {
            preset, size, steps, concurrency, requests, warmup, cellSeconds, redis, redisServer, imageStore, s3rver, serviceDll, output,
        };
        command.SetAction((parse, cancel) => RunWithChildProcessesAsync(async () =>
        {
            var (width, height) = GenerateBenchSettings.ParseSize(parse.GetValue(size)!);
            var settings = d with
            {
                Preset = parse.GetValue(preset)!,
                Width = width,
                Height = height,
                Steps = parse.GetValue(steps),
                Concurrency = ParseInts("--concurrency", parse.GetValue(concurrency)!),
                Requests = parse.GetValue(requests),
                Warmup = parse.GetValue(warmup),
                CellSeconds = parse.GetValue(cellSeconds),
                Redis = parse.GetValue(redis),
                RedisServer = parse.GetValue(redisServer)!,
                ImageStore = parse.GetValue(imageStore)!,
                S3rver = parse.GetValue(s3rver)!,
                ServiceDll = parse.GetValue(serviceDll)!,
            };
            settings.Validate();
            var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", "jobstore-cpu.json");
            Console.Error.WriteLine($"Benchmarking the job stores ({settings.Preset} {width}x{height}, {settings.Steps} step(s)); results go to {jsonPath}.");
            return (await JobStoreBench.RunAsync(settings, Console.Error.WriteLine, cancel), jsonPath);
        }, cancel));
        return command;
    }
}
