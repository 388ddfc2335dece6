using TeEFusion.Core.Distillation;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Core.Tests.Distillation;

/// <summary>A tiny random folder loaded as the teacher, with encoded training and held-out prompts.</summary>
public sealed class DistillationFixture : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "teefusion-distill-" + Guid.NewGuid().ToString("N"));

    public DistillationFixture()
    {
        var root = Path.Combine(_scratch, "tiny");
        RandomModelWriter.Write(root, RandomModelPreset.Tiny, seed: 0);
        // A short T5 sequence keeps the tiny model's steps cheap; the trainer does not depend on its length.
        Components = SD3Components.Load(root, ComputeOptions.Cpu32, txtAlignGuidance: false, maxSequenceLength: 8);
        Train = DistillationPrompts.Encode(Components, ["a red cube", "a cat on a mat", "blue sky over hills", "an old tree"]);
        HeldOut = DistillationPrompts.Encode(Components, ["a green ball", "a dog in snow"]);
        LatentSize = 8;
    }

    public SD3Components Components { get; }
    public DistillationPrompts Train { get; }
    public DistillationPrompts HeldOut { get; }
    public int LatentSize { get; }

    /// <summary>A fresh empty directory for a run's checkpoints.</summary>
    public string NewRunDirectory() => Path.Combine(_scratch, "run-" + Guid.NewGuid().ToString("N"));

    public TeEFusionDistiller NewDistiller(DistillationSettings settings) =>
        new(Components.Transformer, Components.Scheduler, Train, settings);

    /// <summary>A new run folder holding the checkpoint of a fresh distiller after <paramref name="steps"/> optimizer steps.</summary>
    public DistillationRunFolder CheckpointAfter(DistillationSettings settings, int steps)
    {
        var run = new DistillationRunFolder(NewRunDirectory());
        using var distiller = NewDistiller(settings);
        for (var i = 0; i < steps; i++) distiller.Step();
        DistillationCheckpoint.Save(run, distiller);
        return run;
    }

    public void Dispose()
    {
        Train.Dispose();
        HeldOut.Dispose();
        Components.Dispose();
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }
}
