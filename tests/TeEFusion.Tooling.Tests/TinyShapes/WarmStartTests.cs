using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Tooling.Shapes;
using TeEFusion.Tooling.TinyShapes;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.Tests.TinyShapes;

/// <summary>The warm start from the bundled teacher: the new vocabulary and positions are added, nothing old moves.</summary>
[Collection("Sequential")]
public sealed class WarmStartTests : IDisposable
{
    private readonly string _target = Directory.CreateTempSubdirectory("teefusion-warm-start-").FullName;
    private readonly string _source = Path.Combine(BundledModel.Locate(), StudentModelFolder.TeacherFolder);

    public void Dispose() => Directory.Delete(_target, recursive: true);

    [Fact]
    public void Old_captions_encode_exactly_as_before_and_new_words_are_one_token_each()
    {
        var log = new List<string>();
        WarmStart.Initialize(_source, _target, seed: 1, log.Add);

        Assert.Contains(log, l => l.Contains("text_encoder_2 warm-started") && l.Contains("new positions"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_source, "transformer", "diffusion_pytorch_model.safetensors")),
            File.ReadAllBytes(Path.Combine(_target, "transformer", "diffusion_pytorch_model.safetensors")));
        using var before = SD3Components.Load(_source, ComputeOptions.Cpu32, txtAlignGuidance: false, ShapeVocabulary.CanonicalMaxTokens);
        using var after = SD3Components.Load(_target, ComputeOptions.Cpu32, txtAlignGuidance: false, ShapeVocabulary.MaxTokens);
        const string caption = "a small red circle at the top left on a blue background";
        using var old = DistillationPrompts.Encode(before, [caption]);
        using var grown = DistillationPrompts.Encode(after, [caption]);

        // CLIP's attention is causal: the 14 positions up to the end token, and the pooled vector taken there, are unchanged.
        Assert.True(old.Prompts.Pooled.allclose(grown.Prompts.Pooled, rtol: 0, atol: 1e-6));
        var (oldRows, newRows) = (old.Prompts.EncoderHiddenStates.narrow(1, 0, 14), grown.Prompts.EncoderHiddenStates.narrow(1, 0, 14));
        Assert.True(oldRows.allclose(newRows, rtol: 0, atol: 1e-6));
        Assert.Equal(ShapeVocabulary.MaxTokens, after.Tokenizer.Encode("an orange background").MaxLength);
        Assert.Equal(5, after.Tokenizer.Encode("an orange background").TokenCount);
    }

    [Fact]
    public void A_folder_without_a_model_is_refused_naming_it()
    {
        var empty = Path.Combine(_target, "empty");
        Directory.CreateDirectory(empty);

        var error = Assert.Throws<ModelFormatException>(() => WarmStart.Initialize(empty, Path.Combine(_target, "out"), 1, _ => { }));

        Assert.Contains(empty, error.Message);
    }
}
