using System.CommandLine;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.Benchmarks;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Cli.Commands;

// `teefusion bench previews`: ms per partial image (fitted projection vs full VAE decode) and partial_images 3 vs 0 latency.
internal static partial class BenchCommand
{
    // The SD3 VAE's downsampling factor: its latent grid must be whole.
    private const int VaeSizeMultiple = 8;

    private static Command Previews()
    {
        var preset = new Option<string>("--preset") { Description = "Random preset measured beside the bundled model.", DefaultValueFactory = _ => "small" };
        var steps = Int("--steps", "Steps per generation in the latency cells.", 8);
        var repeats = Int("--repeats", "Timed runs per cell.", 5);
        var vaeSize = Int("--vae-size", "Image side for the SD3-medium-sized VAE (random weights).", 512);
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/previews-cpu.json)." };

        var command = new Command("previews", "Partial images: ms per preview (fitted projection vs full VAE decode) and generation latency with 3 vs 0.")
        {
            preset, steps, repeats, vaeSize, output,
        };
        command.SetAction(parse => CommandErrors.Guard(Console.Error, () =>
        {
            // Every option is checked before minutes of work start.
            var randomPreset = RandomModelPresets.Parse(parse.GetValue(preset));
            if (parse.GetValue(steps) < 1) throw new ArgumentException($"--steps must be at least 1, got {parse.GetValue(steps)}.");
            if (parse.GetValue(repeats) < 1) throw new ArgumentException($"--repeats must be at least 1, got {parse.GetValue(repeats)}.");
            if (parse.GetValue(vaeSize) is var side && (side < VaeSizeMultiple || side % VaeSizeMultiple != 0))
                throw new ArgumentException($"--vae-size must be a positive multiple of {VaeSizeMultiple}, got {side}.");
            var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", "previews-cpu.json");
            var report = PreviewBench.Run(BundledModel.Locate(), randomPreset, parse.GetValue(steps), parse.GetValue(repeats), parse.GetValue(vaeSize),
                Console.Error.WriteLine);
            Console.Error.WriteLine($"Wrote {PreviewBench.Save(report, jsonPath)}");
            return 0;
        }));
        return command;
    }
}
