using System.CommandLine;
using TeEFusion.Tooling.RandomModels;
using TorchSharp;

namespace TeEFusion.Cli.Commands;

/// <summary>`teefusion make-random-model`: a complete diffusers-format folder with random weights, for tests and benchmarks.</summary>
internal static class MakeRandomModelCommand
{
    private static readonly Dictionary<string, torch.ScalarType> DTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["float32"] = torch.ScalarType.Float32,
        ["bfloat16"] = torch.ScalarType.BFloat16,
        ["float16"] = torch.ScalarType.Float16,
    };

    public static Command Create()
    {
        var outOption = new Option<string>("--out") { Description = "Output folder (created; must be empty unless --force).", Required = true };
        var presetOption = new Option<string>("--preset")
        {
            Description = $"Component sizes: {string.Join(" | ", RandomModelPresets.Names)}.", Required = true,
        };
        presetOption.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!RandomModelPresets.TryParse(value, out _))
                result.AddError($"Unknown preset '{value}'; expected one of {string.Join(", ", RandomModelPresets.Names)}.");
        });
        var seedOption = new Option<long>("--seed") { Description = "Seed of the weight initialisation.", DefaultValueFactory = _ => 0 };
        var dtypeOption = new Option<string>("--dtype") { Description = "Stored weight dtype: float32 | bfloat16 | float16.", DefaultValueFactory = _ => "float32" };
        dtypeOption.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!DTypes.ContainsKey(value)) result.AddError($"Unknown dtype '{value}'; expected one of {string.Join(", ", DTypes.Keys)}.");
        });
        var noT5Option = new Option<bool>("--no-t5") { Description = "Leave out text_encoder_3/tokenizer_3 (SD3 runs without T5)." };
        var forceOption = new Option<bool>("--force") { Description = "Write into a non-empty folder, replacing the model entries in it." };

        var command = new Command("make-random-model", "Write a TeEFusion SD3 model folder with random weights.")
        {
            outOption, presetOption, seedOption, dtypeOption, noT5Option, forceOption,
        };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(outOption)!;
            try
            {
                RandomModelWriter.Write(directory, RandomModelPresets.Parse(parse.GetValue(presetOption)), parse.GetValue(seedOption),
                    DTypes[parse.GetValue(dtypeOption)!], includeT5: !parse.GetValue(noT5Option),
                    progress: new ConsoleProgress(), overwrite: parse.GetValue(forceOption));
                return 0;
            }
            catch (IOException error)
            {
                Console.Error.WriteLine($"error: {error.Message} (--force writes into it anyway)");
                return 1;
            }
        });
        return command;
    }

    // Progress<T> posts to the thread pool; lines must appear in order and before the command returns.
    private sealed class ConsoleProgress : IProgress<string>
    {
        public void Report(string value) => Console.WriteLine(value);
    }
}
