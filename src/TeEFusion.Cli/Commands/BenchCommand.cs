using System.CommandLine;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.Benchmarks;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Cli.Commands;

/// <summary>
/// `teefusion bench transformer`: ms per sampler step for the student and the CFG teachers;
/// `teefusion bench generate`: ms per image end to end, per phase, with memory;
/// `teefusion bench service`: the real service over loopback HTTP (load, overhead, memory);
/// `teefusion bench service models`: one service serving the bundled student and its teacher at once (BenchCommand.ServiceModels.cs);
/// `teefusion bench jobstore`: the Redis job store's cost per job vs in-process, one and two instances (BenchCommand.JobStore.cs).
/// `teefusion bench fleet`: 1..N replicas on one Redis with the simulated device, open-loop load (BenchCommand.Fleet.cs).
/// `teefusion bench webhooks`: webhook delivery latency, and step time with and without pending deliveries (BenchCommand.Webhooks.cs).
/// `teefusion bench distill-latency`: inference latency with and without an active distillation run.
/// `teefusion bench previews`: the cost of partial images, per preview and per generation (BenchCommand.Previews.cs).
/// `teefusion bench edits`: edit latency vs generation latency at the same steps (BenchCommand.Edits.cs).
/// </summary>
internal static partial class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks (timings, not tests); see bench/README.md.");
        command.Subcommands.Add(Transformer());
        command.Subcommands.Add(Generate());
        command.Subcommands.Add(Service());
        command.Subcommands.Add(JobStore());
        command.Subcommands.Add(Fleet());
        command.Subcommands.Add(Webhooks());
        command.Subcommands.Add(DistillLatency());
        command.Subcommands.Add(Previews());
        command.Subcommands.Add(Edits());
        return command;
    }

    private static Command Service()
    {
        var d = new ServiceBenchSettings { ServiceDll = BuiltService.DllPath };
        var preset = new Option<string>("--preset") { Description = "Random preset of the load and overhead cells.", DefaultValueFactory = _ => d.Preset };
        var size = new Option<string>("--size") { Description = "Image size WxH of the load and overhead cells.", DefaultValueFactory = _ => $"{d.Width}x{d.Height}" };
        var steps = Int("--steps", "Steps per image in the load and overhead cells.", d.Steps);
        var concurrency = List("--concurrency", "Concurrent clients per load cell, e.g. 1,4,16.", string.Join(",", d.Concurrency));
        var requests = Int("--requests", "Requests per load cell.", d.Requests);
        var warmup = Int("--warmup", "Untimed requests after each service start (they let it settle).", d.Warmup);
        var rounds = Int("--rounds", "Passes over every load cell; rows pool the rounds.", d.Rounds);
        var cellSeconds = Int("--cell-seconds", "Time limit of one load cell in one round.", d.CellSeconds);
        var maxBatch = Int("--max-batch", "Batching:MaxBatchSize of the batching-on cells.", d.MaxBatchSize);
        var overheadRepeats = Int("--overhead-repeats", "Timed pairs (HTTP request, in-process Generate) of the overhead cell.", d.OverheadRepeats);
        var memoryPreset = new Option<string>("--memory-preset") { Description = "Random preset of the memory run.", DefaultValueFactory = _ => d.MemoryPreset };
        var memorySize = new Option<string>("--memory-size") { Description = "Image size WxH of the memory run.", DefaultValueFactory = _ => $"{d.MemoryWidth}x{d.MemoryHeight}" };
        var memorySteps = Int("--memory-steps", "Steps per image in the memory run.", d.MemorySteps);
        var memoryConcurrency = Int("--memory-concurrency", "Concurrent clients of the memory run.", d.MemoryConcurrency);
        var memoryBaseline = Int("--memory-baseline", "Requests before the baseline RSS reading.", d.MemoryBaseline);
        var memoryRequests = Int("--memory-requests", "Requests in all before the final RSS reading.", d.MemoryRequests);
        var memorySeconds = Int("--memory-seconds", "Time limit of the memory run.", d.MemorySeconds);
        var serviceDll = ServiceDll(d.ServiceDll);
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/service-cpu.json)." };

        var command = new Command("service", "Benchmark the real service over loopback HTTP: load (batching on/off), overhead vs the pipeline, memory over many requests.")
        {
            preset, size, steps, concurrency, requests, warmup, rounds, cellSeconds, maxBatch, overheadRepeats, memoryPreset, memorySize, memorySteps,
            memoryConcurrency, memoryBaseline, memoryRequests, memorySeconds, serviceDll, output,
        };
        command.Subcommands.Add(ServiceModels());
        command.SetAction((parse, cancel) => RunWithChildProcessesAsync(async () =>
        {
            var (width, height) = GenerateBenchSettings.ParseSize(parse.GetValue(size)!);
            var (memoryWidth, memoryHeight) = GenerateBenchSettings.ParseSize(parse.GetValue(memorySize)!);
            var settings = d with
            {
                Preset = parse.GetValue(preset)!,
                Width = width,
                Height = height,
                Steps = parse.GetValue(steps),
                Concurrency = ParseInts("--concurrency", parse.GetValue(concurrency)!),
                Requests = parse.GetValue(requests),
                Warmup = parse.GetValue(warmup),
                Rounds = parse.GetValue(rounds),
                CellSeconds = parse.GetValue(cellSeconds),
                MaxBatchSize = parse.GetValue(maxBatch),
                OverheadRepeats = parse.GetValue(overheadRepeats),
                MemoryPreset = parse.GetValue(memoryPreset)!,
                MemoryWidth = memoryWidth,
                MemoryHeight = memoryHeight,
                MemorySteps = parse.GetValue(memorySteps),
                MemoryConcurrency = parse.GetValue(memoryConcurrency),
                MemoryBaseline = parse.GetValue(memoryBaseline),
                MemoryRequests = parse.GetValue(memoryRequests),
                MemorySeconds = parse.GetValue(memorySeconds),
                ServiceDll = parse.GetValue(serviceDll)!,
            };
            settings.Validate();
            var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", "service-cpu.json");
            Console.Error.WriteLine($"Benchmarking the service ({settings.Preset} {width}x{height}, {settings.Steps} steps); results go to {jsonPath}.");
            return (await ServiceBench.RunAsync(settings, Console.Error.WriteLine, cancel), jsonPath);
        }, cancel));
        return command;
    }


    private static Command Generate()
    {
        var defaults = new GenerateBenchSettings();
        var model = new Option<string?>("--model") { Description = "Diffusers model folder to time (instead of --preset)." };
        var preset = new Option<string?>("--preset")
        {
            Description = $"Random-weight model written to a temporary folder for the run: {string.Join(" | ", RandomModelPresets.Names)} " +
                          $"(default {GenerateBenchSettings.DefaultPreset} unless --model).",
        };
        var steps = Int("--steps", "Denoising steps per image.", defaults.Steps);
        var samplers = List("--samplers", $"Samplers, e.g. student,euler-cfg,z-sampling; any of {string.Join(", ", SamplerSettings.Names)}.",
            string.Join(",", defaults.Samplers));
        var size = new Option<string?>("--size") { Description = "Image size WxH, e.g. 256x256 (default: the model's native size)." };
        var warmup = Int("--warmup", "Untimed generations per sampler.", defaults.Warmup);
        var repeats = Int("--repeats", "Timed generations per sampler (the median is reported).", defaults.Repeats);
        var dtype = new Option<string>("--dtype") { Description = "float32, bfloat16 or float16.", DefaultValueFactory = _ => defaults.DType };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N (cuda needs the -p:TorchBackend=cuda build).", DefaultValueFactory = _ => defaults.Device };
        var seed = new Option<long>("--seed") { Description = "Seed of the noise (and of the preset's weights).", DefaultValueFactory = _ => defaults.Seed };
        var prompt = new Option<string>("--prompt") { Description = "The prompt of every image.", DefaultValueFactory = _ => defaults.Prompt };
        var guidance = new Option<double?>("--guidance") { Description = $"g of every image (default: the folder's {ModelFolder.DefaultGuidanceKey}, else 5 student, 7 teachers)." };
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/generate-<preset>-<device>.json)." };

        var command = new Command("generate", "Time whole generations (tokenize, encode, denoise, decode, png) of the student and the teachers, with memory.")
        {
            model, preset, steps, samplers, size, warmup, repeats, dtype, device, seed, prompt, guidance, output,
        };
        command.SetAction(parse =>
        {
            try
            {
                var (width, height) = parse.GetValue(size) is { } text ? GenerateBenchSettings.ParseSize(text) : ((int?)null, (int?)null);
                var settings = new GenerateBenchSettings
                {
                    Model = parse.GetValue(model),
                    Preset = parse.GetValue(preset),
                    Steps = parse.GetValue(steps),
                    Samplers = Split(parse.GetValue(samplers)!),
                    Width = width,
                    Height = height,
                    Warmup = parse.GetValue(warmup),
                    Repeats = parse.GetValue(repeats),
                    DType = parse.GetValue(dtype)!,
                    Device = parse.GetValue(device)!,
                    Seed = parse.GetValue(seed),
                    Prompt = parse.GetValue(prompt)!,
                    Guidance = parse.GetValue(guidance),
                };
                settings.Validate();
                var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", $"generate-{settings.ModelTag}-{DeviceTag(settings.Device)}.json");
                Console.Error.WriteLine($"Benchmarking generation ({string.Join(", ", settings.Samplers)}) on {settings.Device}; results go to {jsonPath}.");
                var report = GenerateBench.Run(settings, Console.Error.WriteLine);
                Publish(report, jsonPath);
                return 0;
            }
            catch (ArgumentException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return 2;
            }
            catch (Exception error) when (error is ModelFormatException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Command Transformer()
    {
        var defaults = new TransformerBenchSettings();
        var layers = Int("--layers", "Transformer blocks.", defaults.Layers);
        var heads = Int("--heads", "Attention heads.", defaults.Heads);
        var headDim = new Option<int?>("--head-dim") { Description = "Width of one head (default 64, or --hidden / --heads)." };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden size; must be divisible by --heads (default heads × head-dim)." };
        var patch = Int("--patch", "Patch size.", defaults.Patch);
        var channels = Int("--channels", "Latent channels.", defaults.Channels);
        var latent = Int("--latent", "Latent height = width; a multiple of --patch.", defaults.Latent);
        var tokens = Int("--tokens", "Text tokens (154 = 77 CLIP + 77 as SD3 without T5).", defaults.Tokens);
        var jointDim = Int("--joint-attention-dim", "Width of the prompt sequence.", defaults.JointAttentionDim);
        var pooledDim = Int("--pooled-dim", "Width of the pooled prompt embedding.", defaults.PooledDim);
        var batches = List("--batch", "Batch sizes, e.g. 1,4.", "1,4");
        var dtypes = List("--dtype", "Model dtypes: float32, bfloat16, float16.", "float32,bfloat16");
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N (cuda needs the -p:TorchBackend=cuda build).", DefaultValueFactory = _ => defaults.Device };
        var warmup = Int("--warmup", "Untimed calls before timing each row.", defaults.Warmup);
        var repeats = Int("--repeats", "Timed calls per row (the median is reported).", defaults.Repeats);
        var reflectiveRepeats = Int("--reflective-repeats", "Timed calls per row for Z-Sampling and W2SD (≈6 passes per sample each).", defaults.ReflectiveRepeats);
        var reflectiveWarmup = Int("--reflective-warmup", "Untimed calls for Z-Sampling and W2SD (0: Euler+CFG already warmed the same teacher).", defaults.ReflectiveWarmup);
        var stepsPerSample = Int("--steps-per-sample", "Consecutive non-final sampler steps per timed call; times are per step.", defaults.StepsPerSample);
        var scheduleSteps = Int("--schedule-steps", "Length of the σ schedule the timed steps come from.", defaults.ScheduleSteps);
        var guidance = new Option<double>("--guidance") { Description = "g of every sample.", DefaultValueFactory = _ => defaults.Guidance };
        var seed = new Option<long>("--seed") { Description = "Seed of the weights, prompts and latents.", DefaultValueFactory = _ => defaults.Seed };
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/transformer-<device>.json)." };

        var command = new Command("transformer", "Time one sampler step (student, Euler+CFG, Z-Sampling+CFG, W2SD+CFG) on a random-weight MMDiT.")
        {
            layers, heads, headDim, hidden, patch, channels, latent, tokens, jointDim, pooledDim, batches, dtypes, device,
            warmup, repeats, reflectiveRepeats, reflectiveWarmup, stepsPerSample, scheduleSteps, guidance, seed, output,
        };
        command.SetAction(parse =>
        {
            TransformerBenchSettings settings;
            try
            {
                settings = new TransformerBenchSettings
                {
                    Layers = parse.GetValue(layers),
                    Heads = parse.GetValue(heads),
                    HeadDim = parse.GetValue(headDim),
                    Hidden = parse.GetValue(hidden),
                    Patch = parse.GetValue(patch),
                    Channels = parse.GetValue(channels),
                    Latent = parse.GetValue(latent),
                    Tokens = parse.GetValue(tokens),
                    JointAttentionDim = parse.GetValue(jointDim),
                    PooledDim = parse.GetValue(pooledDim),
                    Batches = ParseInts("--batch", parse.GetValue(batches)!),
                    DTypes = Split(parse.GetValue(dtypes)!),
                    Device = parse.GetValue(device)!,
                    Warmup = parse.GetValue(warmup),
                    Repeats = parse.GetValue(repeats),
                    ReflectiveRepeats = parse.GetValue(reflectiveRepeats),
                    ReflectiveWarmup = parse.GetValue(reflectiveWarmup),
                    StepsPerSample = parse.GetValue(stepsPerSample),
                    ScheduleSteps = parse.GetValue(scheduleSteps),
                    Guidance = parse.GetValue(guidance),
                    Seed = parse.GetValue(seed),
                };
                settings.Validate();
            }
            catch (ArgumentException error)
            {
                Console.Error.WriteLine($"error: {error.Message}");
                return 2;
            }

            var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", $"transformer-{DeviceTag(settings.Device)}.json");
            Console.Error.WriteLine($"Benchmarking {settings.Layers} layers × hidden {settings.ResolvedHidden} on {settings.Device}; results go to {jsonPath}.");
            var report = TransformerBench.Run(settings, Console.Error.WriteLine);
            Publish(report, jsonPath);
            return 0;
        });
        return command;
    }

    internal static Option<int> Int(string name, string description, int value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };

    private static Option<string> ServiceDll(string defaultPath) =>
        new("--service-dll") { Description = "TeEFusion.Service.dll to run.", DefaultValueFactory = _ => defaultPath };

    // Accepts both `--batch 1,4` and `--batch 1 4`.
    private static Option<string[]> List(string name, string description, string value) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [value] };

    private static string[] Split(string[] values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    private static int[] ParseInts(string option, string[] values) =>
        Split(values).Select(v => int.TryParse(v, out var n) ? n : throw new ArgumentException($"{option}: '{v}' is not an integer.")).ToArray();

    // `cuda:1` → `cuda1`, so the default file name has no colon.
    private static string DeviceTag(string device) => device.Trim().ToLowerInvariant().Replace(":", "", StringComparison.Ordinal);

    // For the benchmarks that start services: a bad option exits 2, a service that fails 1, Ctrl+C 130 (its processes are stopped first).
    private static async Task<int> RunWithChildProcessesAsync(Func<Task<(IBenchReport Report, string JsonPath)>> run, CancellationToken cancel)
    {
        try
        {
            var (report, jsonPath) = await run();
            Publish(report, jsonPath);
            return 0;
        }
        catch (ArgumentException error)
        {
            Console.Error.WriteLine($"error: {error.Message}");
            return 2;
        }
        catch (Exception error) when (error is InvalidOperationException or HttpRequestException or IOException)
        {
            Console.Error.WriteLine($"error: {error.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("canceled; the services were stopped and nothing was written.");
            return 130;
        }
    }

    // The table goes to stdout (for piping); the progress and the paths go to stderr.
    internal static void Publish(IBenchReport report, string jsonPath)
    {
        var markdownPath = report.Save(jsonPath);
        Console.WriteLine(report.ToMarkdown());
        Console.Error.WriteLine($"Wrote {jsonPath} and {markdownPath}.");
    }
}
