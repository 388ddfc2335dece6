using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using TeEFusion.Tooling.RandomModels;

namespace TeEFusion.Tooling.Tests.RandomModels;

/// <summary>The plain SD3 / SD3.5 presets: guided teachers with the tiny student's other components.</summary>
[Collection("Sequential")]
public sealed class PlainPresetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("teefusion-plain-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(RandomModelPreset.TinySd3, new int[0], null)]
    [InlineData(RandomModelPreset.TinySd35, new[] { 0 }, "rms_norm")]
    public void A_plain_preset_writes_a_StableDiffusion3Pipeline_folder_without_fused_guidance(RandomModelPreset preset, int[] dual, string? qkNorm)
    {
        var folder = Path.Combine(_root, preset.ToString());
        RandomModelWriter.Write(folder, preset, seed: 0);

        Assert.Equal(RandomModelWriter.PlainPipelineClass, ModelFolder.Open(folder).PipelineClass);
        var config = SD3TransformerConfig.Load(Path.Combine(folder, "transformer", "config.json"));
        Assert.False(config.TxtAlignGuidance);
        Assert.Equal(dual, config.DualAttentionLayers);
        Assert.Equal(qkNorm, config.QkNorm);
    }

    [Fact]
    public void A_plain_copy_of_a_student_has_the_same_weights()
    {
        var (student, teacher) = (Path.Combine(_root, "student"), Path.Combine(_root, "teacher"));
        RandomModelWriter.Write(student, RandomModelPreset.Tiny, seed: 3);
        RandomModelWriter.Write(teacher, RandomModelPreset.Tiny, seed: 3, plain: true);

        foreach (var component in new[] { "transformer", "vae", "text_encoder", "text_encoder_2", "text_encoder_3" })
        {
            var weights = Directory.GetFiles(Path.Combine(student, component), "*.safetensors").Select(Path.GetFileName).Order().ToList();
            Assert.NotEmpty(weights);
            foreach (var file in weights)
                Assert.Equal(File.ReadAllBytes(Path.Combine(student, component, file!)), File.ReadAllBytes(Path.Combine(teacher, component, file!)));
        }
        Assert.True(SD3TransformerConfig.Load(Path.Combine(student, "transformer", "config.json")).TxtAlignGuidance);
        Assert.False(SD3TransformerConfig.Load(Path.Combine(teacher, "transformer", "config.json")).TxtAlignGuidance);
    }
}
