using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>What a checkpoint's run_state.json records.</summary>
/// <param name="Iteration">Optimizer steps done.</param>
/// <param name="Seed">The run's seed; with the iteration it fixes every later draw.</param>
/// <param name="OptimizerStep">AdamW's step count (bias correction).</param>
/// <param name="LossHistory">Mean loss of each optimizer step.</param>
/// <param name="Recipe">The settings that shape the trajectory (<see cref="DistillationSettings.Recipe"/>).</param>
public sealed record DistillationRunState(
    [property: JsonPropertyName("iteration")] int Iteration,
    [property: JsonPropertyName("seed")] long Seed,
    [property: JsonPropertyName("optimizer_step")] long OptimizerStep,
    [property: JsonPropertyName("loss_history")] double[] LossHistory,
    [property: JsonPropertyName("recipe")] string Recipe);

/// <summary>
/// A run's checkpoints: <c>checkpoint-NNNNNNN/</c> holding the student as a diffusers <c>transformer/</c> folder
/// (config.json with txt_align_guidance true + diffusion_pytorch_model.safetensors), <c>optimizer.safetensors</c>
/// (exp_avg/NAME, exp_avg_sq/NAME, and ema/NAME with an EMA) and <c>run_state.json</c>. A folder is written under a temporary name and renamed,
/// so an interrupted save never leaves a half checkpoint that resume would pick up.
/// </summary>
public static class DistillationCheckpoint
{
    public const string TransformerFolder = "transformer";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string RunStateFile = "run_state.json";
    private const string Prefix = "checkpoint-";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Writes the distiller's state as checkpoint-{iteration}; returns its folder.</summary>
    public static string Save(string runDirectory, TeEFusionDistiller distiller)
    {
        var final = Path.Combine(runDirectory, Prefix + distiller.Iteration.ToString("D7", CultureInfo.InvariantCulture));
        var temporary = final + ".partial";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        SaveTransformer(Path.Combine(temporary, TransformerFolder), distiller.Student);
        SafetensorsWriter.Write(Path.Combine(temporary, OptimizerFile),
            distiller.Optimizer.State().Concat(distiller.Ema?.State() ?? []));
        var state = new DistillationRunState(distiller.Iteration, distiller.Settings.Seed, distiller.Optimizer.StepCount,
            distiller.LossHistory.ToArray(), distiller.Settings.Recipe());
        File.WriteAllText(Path.Combine(temporary, RunStateFile), JsonSerializer.Serialize(state, JsonOptions) + "\n");
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temporary, final);
        foreach (var old in Complete(runDirectory).SkipLast(distiller.Settings.KeepCheckpoints)) Directory.Delete(old, recursive: true);
        return final;
    }

    /// <summary>Writes a student as a diffusers transformer folder that the pipelines load.</summary>
    public static void SaveTransformer(string directory, SD3Transformer2DModel student)
    {
        if (!student.Config.TxtAlignGuidance)
            throw new ArgumentException("Only a student (txt_align_guidance on) is saved as a TeEFusion transformer.", nameof(student));
        Directory.CreateDirectory(directory);
        ConfigJson.Save(Path.Combine(directory, "config.json"), student.Config);
        StateDictLoader.Save(student, Path.Combine(directory, "diffusion_pytorch_model.safetensors"));
    }

    /// <summary>The newest complete checkpoint folder under <paramref name="runDirectory"/>, or null.</summary>
    public static string? FindLatest(string runDirectory) => Complete(runDirectory).LastOrDefault();

    // Complete checkpoint folders, oldest first (the zero-padded iteration sorts ordinally).
    private static IEnumerable<string> Complete(string runDirectory) =>
        !Directory.Exists(runDirectory)
            ? []
            : Directory.EnumerateDirectories(runDirectory, Prefix + "*")
                .Where(d => !d.EndsWith(".partial", StringComparison.Ordinal) && File.Exists(Path.Combine(d, RunStateFile)))
                .OrderBy(d => d, StringComparer.Ordinal)
                .ToList();

    internal static DistillationRunState LoadLatest(string runDirectory, SD3Transformer2DModel student, StudentAdamW optimizer,
        StudentEma? ema)
    {
        var folder = FindLatest(runDirectory)
                     ?? throw new DirectoryNotFoundException($"No checkpoint-* folder with {RunStateFile} under {runDirectory}.");
        var statePath = Path.Combine(folder, RunStateFile);
        var state = JsonSerializer.Deserialize<DistillationRunState>(File.ReadAllText(statePath))
                    ?? throw new ModelFormatException(statePath, "the file holds JSON null.");
        StateDictLoader.Load(student, Path.Combine(folder, TransformerFolder));
        var optimizerPath = Path.Combine(folder, OptimizerFile);
        using var file = SafetensorsFile.Open(optimizerPath);
        Tensor Read(string name) => file.Tensors.ContainsKey(name)
            ? file.Read(name)
            : throw new ModelFormatException(optimizerPath, $"tensor '{name}' is missing.");
        optimizer.Restore(Read, state.OptimizerStep);
        ema?.Restore(Read);
        return state;
    }
}
