using System.CommandLine;
using TeEFusion.Bench;

namespace TeEFusion.Cli.Commands;

/// <summary>`teefusion bench transformer`: ms per sampler step for the student and the CFG teachers.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks (timings, not tests); see bench/README.md.");
        command.Subcommands.Add(Transformer());
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
            var markdownPath = report.Save(jsonPath);
            Console.WriteLine(report.ToMarkdown());
            Console.Error.WriteLine($"Wrote {jsonPath} and {markdownPath}.");
            return 0;
        });
        return command;
    }

    private static Option<int> Int(string name, string description, int value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };

    // Accepts both `--batch 1,4` and `--batch 1 4`.
    private static Option<string[]> List(string name, string description, string value) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [value] };

    private static string[] Split(string[] values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    private static int[] ParseInts(string option, string[] values) =>
        Split(values).Select(v => int.TryParse(v, out var n) ? n : throw new ArgumentException($"{option}: '{v}' is not an integer.")).ToArray();

    // `cuda:1` → `cuda1`, so the default file name has no colon.
    private static string DeviceTag(string device) => device.Trim().ToLowerInvariant().Replace(":", "", StringComparison.Ordinal);
}
