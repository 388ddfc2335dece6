using System.CommandLine;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Commands;

internal static partial class BenchCommand
{
    // `teefusion bench service models`: one service with its default models (the bundled student and its teacher), both under load at once.
    private static Command ServiceModels()
    {
        var d = new ServiceModelsBenchSettings { ServiceDll = BuiltService.DllPath };
        var size = new Option<string>("--size") { Description = "Image size WxH of every request.", DefaultValueFactory = _ => $"{d.Width}x{d.Height}" };
        var steps = Int("--steps", "Steps per image, the same for both models.", d.Steps);
        var concurrency = List("--concurrency", "Clients per model in each cell, e.g. 1,4,16.", string.Join(",", d.Concurrency));
        var requests = Int("--requests", "Answers per model that end a cell in each round (the faster model keeps sending until the slower has these).", d.Requests);
        var rounds = Int("--rounds", "Passes over every cell; rows pool them.", d.Rounds);
        var warmup = Int("--warmup", "Untimed requests per model, sent all at once, before the first cell.", d.Warmup);
        var cellSeconds = Int("--cell-seconds", "Time limit of one cell in one round.", d.CellSeconds);
        var alone = new Option<bool>("--alone") { Description = "Also run each model alone at each concurrency (--alone false: only both at once).", DefaultValueFactory = _ => d.Alone };
        var serviceDll = ServiceDll(d.ServiceDll);
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/service-models-cpu.json)." };

        var command = new Command("models",
            "Benchmark one service serving the bundled student and its teacher at once: latency and images/s per model, student ÷ teacher latency per concurrency.")
        {
            size, steps, concurrency, requests, rounds, warmup, cellSeconds, alone, serviceDll, output,
        };
        command.SetAction((parse, cancel) => RunWithChildProcessesAsync(async () =>
        {
            var (width, height) = GenerateBenchSettings.ParseSize(parse.GetValue(size)!);
            var settings = d with
            {
                Width = width,
                Height = height,
                Steps = parse.GetValue(steps),
                Concurrency = ParseInts("--concurrency", parse.GetValue(concurrency)!),
                Requests = parse.GetValue(requests),
                Rounds = parse.GetValue(rounds),
                Warmup = parse.GetValue(warmup),
                CellSeconds = parse.GetValue(cellSeconds),
                Alone = parse.GetValue(alone),
                ServiceDll = parse.GetValue(serviceDll)!,
            };
            settings.Validate();
            var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", "service-models-cpu.json");
            Console.Error.WriteLine($"Benchmarking {settings.StudentModel} and {settings.TeacherModel} served at once ({width}x{height}, {settings.Steps} steps); results go to {jsonPath}.");
            return (await ServiceModelsBench.RunAsync(settings, Console.Error.WriteLine, cancel), jsonPath);
        }, cancel));
        return command;
    }
}
