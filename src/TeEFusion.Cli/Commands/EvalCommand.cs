using System.CommandLine;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Tooling.Benchmarks;
using TeEFusion.Tooling.Shapes;

namespace TeEFusion.Cli.Commands;

/// <summary>
/// `teefusion eval shapes`: ShapeBench on a student folder and its teacher: per-attribute accuracy, all-correct rate
/// and cost per image, printed as a table, optionally written as JSON and into the model card.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate a model (see `eval shapes`).");
        command.Subcommands.Add(Shapes());
        return command;
    }

    private static Command Shapes()
    {
        var d = new ShapeBenchOptions();
        var model = new Option<string?>("--model") { Description = "The student's diffusers folder (default: the bundled models/tiny-shapes)." };
        var teacher = new Option<string?>("--teacher") { Description = $"The teacher's diffusers folder (default: MODEL/{StudentModelFolder.TeacherFolder})." };
        var sampler = new Option<string>("--sampler")
        {
            Description = $"Which configuration to run: {string.Join(", ", ShapeBenchConfiguration.Names)}.",
            DefaultValueFactory = _ => ShapeBenchConfiguration.AllName,
        };
        sampler.AcceptOnlyFromAmong([.. ShapeBenchConfiguration.Names]);
        var splits = new Option<string>("--splits")
        {
            Description = $"Comma-separated caption kinds, each run on seen and held-out combinations: {string.Join(", ", ShapeBenchSplit.GroupNames)}.",
            DefaultValueFactory = _ => "all",
        };
        var steps = Int("--steps", "Denoising steps of every configuration.", d.Steps);
        var guidance = new Option<double?>("--guidance")
        {
            Description = $"g of the guided configurations (no-guidance runs at 1); default: the model's {ModelFolder.DefaultGuidanceKey}, else {StudentPipeline.StudentDefaultGuidance}.",
        };
        var count = Int("--count", "Captions per split (seen, held-out), every k-th combination.", d.PromptsPerSplit);
        var seeds = Int("--seeds", "Seeds per caption.", d.Seeds);
        var batch = Int("--batch", "Images per generate call, the same for every configuration.", d.BatchSize);
        var warmup = Int("--warmup", "Untimed batches per configuration before the timed ones.", d.WarmupBatches);
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "float32, bfloat16 or float16.", DefaultValueFactory = _ => "float32" };
        var json = new Option<FileInfo?>("--json") { Description = "Write the full result (every image's detection) as JSON here." };
        var card = new Option<bool>("--card") { Description = "Write the table into MODEL/README.md between the shapebench markers." };

        var command = new Command("shapes", "ShapeBench: generate canonical, reworded and two-object shape captions of seen and held-out combinations " +
            "with the teacher (g = 1, euler-cfg, z-sampling, w2sd) and the student, read each image back with the shape detector, report accuracy and cost per image.")
        {
            model, teacher, sampler, splits, steps, guidance, count, seeds, batch, warmup, device, dtype, json, card,
        };
        command.SetAction((result, cancellation) => Task.FromResult(RunShapes(new ShapesArguments(
            result.GetValue(model), result.GetValue(teacher), result.GetValue(sampler)!, result.GetValue(splits)!, result.GetValue(steps), result.GetValue(guidance),
            result.GetValue(count), result.GetValue(seeds), result.GetValue(batch), result.GetValue(warmup), result.GetValue(device)!,
            result.GetValue(dtype)!, result.GetValue(json), result.GetValue(card)), Console.Out, Console.Error, cancellation)));
        return command;
    }

    /// <summary>The parsed options of one `eval shapes` invocation; a null model means the bundled one.</summary>
    internal sealed record ShapesArguments(string? Model, string? Teacher, string Sampler, string Splits, int Steps, double? Guidance, int Count, int Seeds,
        int Batch, int Warmup, string Device, string DType, FileInfo? Json, bool Card);

    /// <summary>Runs one invocation; errors are printed as one line without a stack trace and give a non-zero exit code.</summary>
    internal static int RunShapes(ShapesArguments args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation) =>
        CommandErrors.Guard(stderr, () =>
        {
            var options = new ShapeBenchOptions
            {
                Configurations = ShapeBenchConfiguration.Parse(args.Sampler), Splits = ShapeBenchSplit.Parse(args.Splits),
                Steps = args.Steps, Guidance = args.Guidance, PromptsPerSplit = args.Count, Seeds = args.Seeds, BatchSize = args.Batch,
                WarmupBatches = args.Warmup, Pipeline = new PipelineOptions { Compute = ComputeOptions.Parse(args.Device, args.DType) },
            };
            Validate(options);
            var student = ModelArgument.Resolve(args.Model, stderr);
            var teacher = Path.GetFullPath(args.Teacher ?? Path.Combine(student, StudentModelFolder.TeacherFolder));
            if (options.Configurations.Any(c => !c.UsesStudent) && !Directory.Exists(teacher))
            {
                throw new ModelFormatException(teacher,
                    $"teacher folder not found; pass --teacher DIR, or --sampler {ShapeBenchConfiguration.Student.Name} to run the student alone.");
            }

            var result = ShapeBench.Run(student, teacher, options, stderr.WriteLine, cancellation);
            foreach (var warning in result.Warnings) stderr.WriteLine($"warning: {warning}");
            var markdown = ShapeBenchReport.ToMarkdown(result);
            stdout.WriteLine(markdown);
            if (args.Json is { } file)
            {
                file.Directory?.Create();
                File.WriteAllText(file.FullName, ShapeBenchReport.ToJson(result));
                stdout.WriteLine($"wrote {file.FullName}");
            }
            if (args.Card)
            {
                var readme = Path.Combine(student, "README.md");
                ShapeBenchReport.UpdateCard(readme, markdown);
                stdout.WriteLine($"updated {readme}");
            }
            return 0;
        });

    // ShapeBenchOptions names its fields; a command-line user knows the options.
    private static readonly Dictionary<string, string> OptionOf = new()
    {
        [nameof(ShapeBenchOptions.PromptsPerSplit)] = "--count", [nameof(ShapeBenchOptions.Seeds)] = "--seeds",
        [nameof(ShapeBenchOptions.BatchSize)] = "--batch", [nameof(ShapeBenchOptions.Steps)] = "--steps",
        [nameof(ShapeBenchOptions.WarmupBatches)] = "--warmup", [nameof(ShapeBenchOptions.Guidance)] = "--guidance",
    };

    private static void Validate(ShapeBenchOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e) when (e.ParamName is { } field && OptionOf.TryGetValue(field, out var option))
        {
            // Message repeats ParamName as " (Parameter 'Steps')", which would name the field again.
            throw new ArgumentException($"{option}: {e.Message.Replace($" (Parameter '{field}')", "", StringComparison.Ordinal)}", e);
        }
    }

    private static Option<int> Int(string name, string description, int value) =>
        new(name) { Description = description, DefaultValueFactory = _ => value };
}
