using System.Text.Json;
using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using static TorchSharp.torch;

namespace TeEFusion.Core.Distillation;

/// <summary>
/// What a checkpoint folder holds: the student as a diffusers <c>transformer/</c> folder (config.json with
/// txt_align_guidance true + diffusion_pytorch_model.safetensors), <c>optimizer.safetensors</c> (exp_avg/NAME,
/// exp_avg_sq/NAME, and ema/NAME with an EMA) and the trainer's state (<see cref="DistillationCheckpointState"/>). Where
/// checkpoints go and which one is the latest is the <see cref="DistillationRunFolder"/>'s business.
/// </summary>
public static class DistillationCheckpoint
{
    public const string TransformerFolder = "transformer";
    public const string OptimizerFile = "optimizer.safetensors";
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    /// <summary>Writes the distiller's state as the run's checkpoint of its iteration; returns its folder.</summary>
    public static string Save(DistillationRunFolder run, TeEFusionDistiller distiller) =>
        run.WriteCheckpoint(distiller.Iteration, distiller.Settings.KeepCheckpoints, folder =>
        {
            SaveTransformer(Path.Combine(folder, TransformerFolder), distiller.Student);
            SafetensorsWriter.Write(Path.Combine(folder, OptimizerFile), distiller.Optimizer.State().Concat(distiller.Ema?.State() ?? []));
            var state = new DistillationCheckpointState(distiller.Iteration, distiller.Settings.Seed, distiller.Optimizer.StepCount,
                distiller.LossHistory.ToArray(), distiller.Settings.Recipe());
            File.WriteAllText(Path.Combine(folder, DistillationRunFolder.CheckpointStateFile), JsonSerializer.Serialize(state, JsonOptions) + "\n");
        });

    /// <summary>Writes a student as a diffusers transformer folder that the pipelines load.</summary>
    public static void SaveTransformer(string directory, SD3Transformer2DModel student)
    {
        if (!student.Config.TxtAlignGuidance)
            throw new ArgumentException("Only a student (txt_align_guidance on) is saved as a TeEFusion transformer.", nameof(student));
        Directory.CreateDirectory(directory);
        ConfigJson.Save(Path.Combine(directory, "config.json"), student.Config);
        StateDictLoader.Save(student, Path.Combine(directory, "diffusion_pytorch_model.safetensors"));
    }

    internal static DistillationCheckpointState LoadLatest(DistillationRunFolder run, SD3Transformer2DModel student, StudentAdamW optimizer,
        StudentEma? ema)
    {
        var folder = run.LatestCheckpoint()
                     ?? throw new DirectoryNotFoundException($"No complete checkpoint under {run.Root}.");
        var statePath = Path.Combine(folder, DistillationRunFolder.CheckpointStateFile);
        var state = JsonSerializer.Deserialize<DistillationCheckpointState>(File.ReadAllText(statePath))
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
