using System.Globalization;
using System.Text;

namespace TeEFusion.Tooling.TinyShapes;

/// <summary>The model card (README.md) of a tiny-shapes folder: what it is, how it was made and what it took.</summary>
internal static class TinyShapesModelCard
{
    public static void Write(string path, TinyShapesRecipe recipe, IReadOnlyList<(string Stage, double Seconds)> stages)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("# tiny-shapes: a TeEFusion-distilled SD3-architecture model trained on procedural shapes");
        text.AppendLine();
        text.AppendLine("This folder is a complete diffusers `StableDiffusion3Pipeline`-layout model (TeEFusion variant): `transformer/` is the");
        text.AppendLine("**TeEFusion student** (`txt_align_guidance: true`, one model pass per step), `teacher/` is the full folder of the");
        text.AppendLine("teacher it was distilled from (classifier-free guidance, two passes per step). Both draw 64×64 scenes such as");
        text.AppendLine("\"a small red circle at the top left on a blue background\" (8 colours, 3 shapes, 3×3 positions, 2 sizes), phrased as");
        text.AppendLine("people write them (\"On an orange background, a big blue triangle in the lower-left corner\"), and two-object");
        text.AppendLine("scenes such as \"a small red circle left of a large blue square on a green background\".");
        text.AppendLine();
        text.AppendLine("## How it was made");
        text.AppendLine();
        text.AppendLine("```sh");
        text.AppendLine("dotnet run --project src/TeEFusion.Cli -c Release -- train-tiny --out models/tiny-shapes --work .work/tiny-shapes");
        text.AppendLine("dotnet run --project src/TeEFusion.Cli -c Release -- eval shapes --model models/tiny-shapes --card");
        text.AppendLine("```");
        text.AppendLine();
        if (recipe.WarmStartFrom is { } from)
            text.AppendLine($"This build was fine-tuned from the previous one: `train-tiny --preset warm --from {from}` (see docs/bundled-model-and-shapebench.md#warm-start).");
        text.AppendLine("The first command is resumable: rerun it after an interruption and it continues from the last checkpoint.");
        text.AppendLine();
        text.AppendLine("- **Text encoders**: two CLIP-architecture encoders (hidden 32, 2 layers) with a tokenizer whose vocabulary holds each");
        text.AppendLine($"  training caption word as one token (other text as sub-words or bytes), at most {Shapes.ShapeVocabulary.MaxTokens} tokens; randomly initialised and frozen (SD3's encoders are frozen too; no T5).");
        text.AppendLine($"- **Captions**: {recipe.NaturalCaptionShare.ToString("P0", inv)} phrased by `ShapePhrasings.Training` (articles, synonyms, word order, punctuation, noise words), the rest canonical;");
        text.AppendLine($"  {recipe.PairScenes} two-object scenes (relation left of / right of / above / below) besides the single-object ones.");
        text.AppendLine($"- **VAE**: `AutoencoderKL` [16, 32, 64], 4× down-sampling, 4 latent channels; {recipe.VaeSteps} AdamW steps of {recipe.VaeBatch} scenes,");
        text.AppendLine($"  MSE with the object's pixels and those within 2 pixels of it weighted {recipe.VaeObjectWeight.ToString(inv)}× + {recipe.VaeKlWeight.ToString(inv)}·KL, cosine learning rate;");
        text.AppendLine($"  shift/scaling factors measured on {recipe.LatentStatisticsScenes} scenes.");
        text.AppendLine($"- **Teacher**: `SD3Transformer2DModel` (6 joint blocks, 4 heads × 32, patch 2) trained with SD3's rectified-flow loss");
        text.AppendLine($"  (logit-normal σ) on {recipe.ScenesPerCombination} jittered scenes per seen combination and the two-object scenes, {recipe.TeacherSteps} steps of {recipe.TeacherBatch},");
        text.AppendLine($"  peak lr {recipe.TeacherLearningRate.ToString(inv)} (warm-up {recipe.TeacherWarmup}, cosine decay), caption dropout {recipe.CaptionDropout.ToString(inv)}, EMA {recipe.TeacherEmaDecay.ToString(inv)} (shipped).");
        var d = recipe.Distillation;
        text.AppendLine($"- **Student**: TeEFusion distillation from the teacher's `{d.Teacher.Name}` over {d.Steps} steps, g ∈ [{d.GuidanceMin.ToString(inv)}, {d.GuidanceMax.ToString(inv)}],");
        text.AppendLine($"  {d.Iterations} iterations of {d.BatchSize} trajectories ({d.StepsPerTrajectory?.ToString(inv) ?? "all"} steps each), lr {d.LearningRate.ToString(inv)}.");
        text.AppendLine($"- **Held out**: {Shapes.ShapeSplits.HeldOutPercent}% of the 3024 single-object and of the 48384 two-object combinations, and every");
        text.AppendLine("  phrasing of the wording split, never appear in any stage.");
        text.AppendLine($"- **Defaults**: {recipe.InferenceSteps} steps, guidance {recipe.DefaultGuidance.ToString(inv)}, seed {recipe.Seed}.");
        text.AppendLine();
        text.AppendLine("## Training time (2 CPU cores)");
        text.AppendLine();
        text.AppendLine("| stage | minutes |");
        text.AppendLine("|---|---:|");
        foreach (var (stage, seconds) in stages) text.AppendLine($"| {stage} | {(seconds / 60).ToString("F1", inv)} |");
        text.AppendLine($"| **total** | **{(stages.Sum(s => s.Seconds) / 60).ToString("F1", inv)}** |");
        text.AppendLine();
        text.AppendLine("## ShapeBench");
        text.AppendLine();
        File.WriteAllText(path, text.ToString());
    }
}
