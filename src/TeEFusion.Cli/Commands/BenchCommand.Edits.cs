using System.CommandLine;
using TeEFusion.Tooling.Benchmarks;

namespace TeEFusion.Cli.Commands;

// `teefusion bench edits`: edit latency (img2img and inpainting per strength) vs a generation of the same steps (bench/README.md).
internal static partial class BenchCommand
{
    private static Command Edits()
    {
        var d = new EditBenchSettings();
        var preset = new Option<string>("--preset") { Description = "Random preset of the model.", DefaultValueFactory = _ => d.Preset };
        var steps = Int("--steps", "Steps of every call (an edit runs its strength's share of them).", d.Steps);
        var strengths = List("--strengths", "Edit strengths, e.g. 0.25,0.5,0.75,1.", string.Join(",", d.Strengths));
        var sampler = new Option<string>("--sampler") { Description = "The sampler of every call.", DefaultValueFactory = _ => d.Sampler };
        var warmup = Int("--warmup", "Untimed calls per row.", d.Warmup);
        var repeats = Int("--repeats", "Timed calls per row (the median is reported).", d.Repeats);
        var output = new Option<string?>("--out") { Description = "JSON result path; the markdown goes next to it (default bench/results/edits-cpu.json)." };

        var command = new Command("edits", "Time image edits (img2img and inpainting at several strengths) against a generation of the same steps.")
        {
            preset, steps, strengths, sampler, warmup, repeats, output,
        };
        command.SetAction(parse =>
        {
            var settings = d with
            {
                Preset = parse.GetValue(preset)!, Steps = parse.GetValue(steps), Sampler = parse.GetValue(sampler)!,
                Strengths = Split(parse.GetValue(strengths)!).Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                Warmup = parse.GetValue(warmup), Repeats = parse.GetValue(repeats),
            };
            var jsonPath = parse.GetValue(output) ?? Path.Combine("bench", "results", "edits-cpu.json");
            var report = EditBench.Run(settings, Console.Error.WriteLine);
            Console.Error.WriteLine($"wrote {jsonPath} and {report.Save(jsonPath)}");
            return 0;
        });
        return command;
    }
}
