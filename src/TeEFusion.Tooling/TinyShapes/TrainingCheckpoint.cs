using System.Globalization;
using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>
/// A training stage's resumable state in one folder: the module's weights, the optimizer's moments and optional extra
/// tensors (an EMA) as safetensors, and the step count. Written under a temporary name and
/// renamed, so an interrupted save leaves the previous checkpoint intact.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string WeightsFile = "weights.safetensors";
    private const string OptimizerFile = "optimizer.safetensors";
    private const string StepFile = "step.txt";

    public static void Save(string folder, nn.Module module, StudentAdamW optimizer, int step,
        IEnumerable<KeyValuePair<string, Tensor>>? extras = null)
    {
        var partial = folder + ".partial";
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        StateDictLoader.Save(module, Path.Combine(partial, WeightsFile));
        SafetensorsWriter.Write(Path.Combine(partial, OptimizerFile), optimizer.State().Concat(extras ?? []));
        File.WriteAllText(Path.Combine(partial, StepFile), step.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(partial, folder);
    }

    /// <summary>Restores a checkpoint into the module and optimizer; returns its step, or 0 when there is none.</summary>
    public static int Load(string folder, nn.Module module, StudentAdamW optimizer, Action<Func<string, Tensor>>? restoreExtras = null)
    {
        if (!File.Exists(Path.Combine(folder, StepFile))) return 0;
        StateDictLoader.Load(module, Path.Combine(folder, WeightsFile));
        var step = int.Parse(File.ReadAllText(Path.Combine(folder, StepFile)), CultureInfo.InvariantCulture);
        using var state = SafetensorsFile.Open(Path.Combine(folder, OptimizerFile));
        optimizer.Restore(name => state.Read(name), step);
        restoreExtras?.Invoke(name => state.Read(name));
        return step;
    }
}
