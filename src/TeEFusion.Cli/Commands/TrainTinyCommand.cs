using System.CommandLine;
using TeEFusion.Core.Pipelines;
using TeEFusion.Tooling.TinyShapes;

namespace TeEFusion.Cli.Commands;

/// <summary>`teefusion train-tiny`: makes the bundled tiny-shapes model from scratch (VAE, teacher, TeEFusion student), or fine-tunes a trained one (--preset warm).</summary>
internal static class TrainTinyCommand
{
    public static Command Create()
    {
        var outOption = new Option<string>("--out") { Description = "The model folder to write (replaced when the run ends).", DefaultValueFactory = _ => "models/tiny-shapes" };
        var workOption = new Option<string>("--work")
        {
            Description = "Work folder for stage results and checkpoints; rerun with the same folder to resume.",
            DefaultValueFactory = _ => ".work/tiny-shapes",
        };
        var presetOption = new Option<string>("--preset")
        {
            Description = "full (from nothing) | warm (fine-tune the trained model --from names) | smoke (every stage for a few steps).",
            DefaultValueFactory = _ => "full",
        };
        presetOption.AcceptOnlyFromAmong("full", "warm", "smoke");
        var fromOption = new Option<string>("--from")
        {
            Description = "The trained tiny-shapes folder the warm preset starts from (its teacher/ is fine-tuned).",
            DefaultValueFactory = _ => TinyShapesRecipe.WarmStart.WarmStartFrom!,
        };
        var distilFromOption = new Option<string>("--distil-from")
        {
            Description = "The teacher sampler the student imitates: euler-cfg, z-sampling or w2sd; each gets its own student stage in the work folder.",
            DefaultValueFactory = _ => TinyShapesRecipe.Full.Distillation.Teacher.Name,
        };
        distilFromOption.AcceptOnlyFromAmong("euler-cfg", "z-sampling", "w2sd");
        var seedOption = new Option<long>("--seed") { Description = "Seed of the whole run.", DefaultValueFactory = _ => TinyShapesRecipe.Full.Seed };
        seedOption.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() < 0) result.AddError("--seed must not be negative.");
        });

        var command = new Command("train-tiny", "Train the tiny-shapes model from scratch: VAE, CFG teacher and TeEFusion student (resumable).")
        {
            outOption, workOption, presetOption, fromOption, distilFromOption, seedOption,
        };
        command.SetAction((parse, cancellation) =>
        {
            var recipe = parse.GetValue(presetOption) switch
            {
                "smoke" => TinyShapesRecipe.Smoke,
                "warm" => TinyShapesRecipe.WarmStart with { WarmStartFrom = parse.GetValue(fromOption) },
                _ => TinyShapesRecipe.Full,
            } with { Seed = parse.GetValue(seedOption) };
            recipe = recipe with { Distillation = recipe.Distillation with { Teacher = SamplerSettings.Parse(parse.GetValue(distilFromOption)!) } };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var trainer = new TinyShapesTrainer(parse.GetValue(workOption)!, recipe,
                line => Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {line}"));
            trainer.Run(parse.GetValue(outOption)!, cancellation);
            return Task.FromResult(0);
        });
        return command;
    }
}
