using System.Text.Json.Nodes;
using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using TeEFusion.Tooling.RandomModels;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.Tests.RandomModels;

/// <summary>Seeds, dtypes, the T5 switch and the output-directory rules of <see cref="RandomModelWriter"/>.</summary>
[Collection("Sequential")]
public class RandomModelDeterminismTests
{
    private static readonly string[] WeightFiles =
    [
        "transformer/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors",
        "text_encoder/model.safetensors", "text_encoder_2/model.safetensors", "text_encoder_3/model.safetensors",
    ];

    [Fact]
    public void SameSeedWritesByteIdenticalFiles()
    {
        using var first = new TempModelFolder(seed: 7);
        using var second = new TempModelFolder(seed: 7);
        Assert.Equal(first.Files(), second.Files());
        foreach (var file in first.Files())
            Assert.True(File.ReadAllBytes(first.PathOf(file)).AsSpan().SequenceEqual(File.ReadAllBytes(second.PathOf(file))), file);
    }

    [Fact]
    public void DifferentSeedChangesEveryComponentsWeightsButNotItsConfig()
    {
        using var first = new TempModelFolder(seed: 1);
        using var second = new TempModelFolder(seed: 2);
        foreach (var file in WeightFiles)
        {
            Assert.Equal(new FileInfo(first.PathOf(file)).Length, new FileInfo(second.PathOf(file)).Length);
            Assert.False(File.ReadAllBytes(first.PathOf(file)).AsSpan().SequenceEqual(File.ReadAllBytes(second.PathOf(file))), file);
        }
        Assert.Equal(File.ReadAllText(first.PathOf("transformer", "config.json")), File.ReadAllText(second.PathOf("transformer", "config.json")));
    }

    [Fact]
    public void ComponentsWithEqualShapesGetDifferentWeights()
    {
        // The tiny CLIP-L and bigG stand-ins have the same shapes; a shared seed would make them equal.
        using var folder = new TempModelFolder();
        using var clipL = SafetensorsCheckpoint.Open(folder.PathOf("text_encoder", "model.safetensors"));
        using var clipG = SafetensorsCheckpoint.Open(folder.PathOf("text_encoder_2", "model.safetensors"));
        using var a = clipL.Read("text_projection.weight");
        using var b = clipG.Read("text_projection.weight");
        Assert.Equal(a.shape, b.shape);
        Assert.False(a.eq(b).all().item<bool>());
    }

    [Fact]
    public void NoT5WritesNullEntriesNoT5FoldersAndTheSameOtherWeights()
    {
        using var withT5 = new TempModelFolder();
        using var withoutT5 = new TempModelFolder(includeT5: false);
        var index = JsonNode.Parse(File.ReadAllText(withoutT5.PathOf(ModelFolder.IndexFileName)))!.AsObject();
        foreach (var entry in new[] { "text_encoder_3", "tokenizer_3" })
        {
            var value = index[entry]!.AsArray();
            Assert.Equal(2, value.Count);
            Assert.Null(value[0]);
            Assert.Null(value[1]);
            Assert.False(Directory.Exists(withoutT5.PathOf(entry)), entry);
        }
        var folder = ModelFolder.Open(withoutT5.Root);
        Assert.Null(folder.OptionalComponent("text_encoder_3"));
        Assert.Equal(7, folder.Components.Count);
        foreach (var file in WeightFiles.Where(f => !f.StartsWith("text_encoder_3", StringComparison.Ordinal)))
            Assert.True(File.ReadAllBytes(withT5.PathOf(file)).AsSpan().SequenceEqual(File.ReadAllBytes(withoutT5.PathOf(file))), file);
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, "BF16", "bfloat16")]
    [InlineData(ScalarType.Float16, "F16", "float16")]
    public void HalfDTypesStoreEveryWeightInThatDType(ScalarType dtype, string fileDType, string torchDtype)
    {
        using var folder = new TempModelFolder(dtype: dtype);
        foreach (var file in WeightFiles)
        {
            using var checkpoint = SafetensorsCheckpoint.Open(folder.PathOf(file));
            // Buffers included (the transformer's sin-cos table), as diffusers' model.to(dtype) converts them too.
            Assert.All(checkpoint.Tensors.Values, t => Assert.Equal(fileDType, t.DType));
        }
        Assert.Equal(torchDtype, JsonNode.Parse(File.ReadAllText(folder.PathOf("text_encoder_3", "config.json")))!["torch_dtype"]!.GetValue<string>());

        using var transformer = new SD3Transformer2DModel(SD3TransformerConfig.Load(folder.PathOf("transformer", "config.json")), dtype: dtype);
        StateDictLoader.Load(transformer, folder.PathOf("transformer", "diffusion_pytorch_model.safetensors"));
    }

    [Fact]
    public void RefusesANonEmptyDirectoryUnlessOverwriting()
    {
        using var folder = new TempModelFolder();
        var error = Assert.Throws<IOException>(() => RandomModelWriter.Write(folder.Root, RandomModelPreset.Tiny));
        Assert.Contains(folder.Root, error.Message);

        var userFile = folder.PathOf("notes.txt");
        File.WriteAllText(userFile, "keep me");
        RandomModelWriter.Write(folder.Root, RandomModelPreset.Tiny, includeT5: false, overwrite: true);
        Assert.False(Directory.Exists(folder.PathOf("text_encoder_3")), "a stale T5 folder survived the overwrite");
        Assert.False(Directory.Exists(folder.PathOf("tokenizer_3")));
        Assert.Equal("keep me", File.ReadAllText(userFile));
        Assert.Null(ModelFolder.Open(folder.Root).OptionalComponent("tokenizer_3"));
    }

    [Fact]
    public void RefusesUnsupportedDTypes()
    {
        var root = Path.Combine(Path.GetTempPath(), "teefusion-randmodel-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<ArgumentException>(() => RandomModelWriter.Write(root, RandomModelPreset.Tiny, dtype: ScalarType.Int32));
        Assert.Equal("dtype", error.ParamName);
        Assert.False(Directory.Exists(root));
    }
}
