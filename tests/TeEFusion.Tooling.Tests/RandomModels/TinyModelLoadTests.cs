using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Tokenizers;
using TeEFusion.Core.Vae;
using TeEFusion.Tooling.RandomModels;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.Tests.RandomModels;

/// <summary>The tiny folder, written once, read back with the project's own readers and loaded strictly.</summary>
[Collection("Sequential")]
public sealed class TinyModelLoadTests : IClassFixture<TinyModelLoadTests.Folder>
{
    private readonly Folder _folder;

    public TinyModelLoadTests(Folder folder) => _folder = folder;

    public sealed class Folder : IDisposable
    {
        public TempModelFolder Model { get; } = new();

        public void Dispose() => Model.Dispose();
    }

    private string Component(string name) => ModelFolder.Open(_folder.Model.Root).RequireComponent(name);

    [Fact]
    public void IndexDeclaresEveryComponentWithItsClass()
    {
        var folder = ModelFolder.Open(_folder.Model.Root);
        Assert.Equal("TeEFusionSD3Pipeline", folder.PipelineClass);
        Assert.Equal("0.32.2", folder.DiffusersVersion);
        var expected = new Dictionary<string, ComponentEntry>
        {
            ["scheduler"] = new("diffusers", "FlowMatchEulerDiscreteScheduler"),
            ["text_encoder"] = new("transformers", "CLIPTextModelWithProjection"),
            ["text_encoder_2"] = new("transformers", "CLIPTextModelWithProjection"),
            ["text_encoder_3"] = new("transformers", "T5EncoderModel"),
            ["tokenizer"] = new("transformers", "CLIPTokenizer"),
            ["tokenizer_2"] = new("transformers", "CLIPTokenizer"),
            ["tokenizer_3"] = new("transformers", "T5Tokenizer"),
            ["transformer"] = new("diffusers", "SD3Transformer2DModel"),
            ["vae"] = new("diffusers", "AutoencoderKL"),
        };
        Assert.Equal(expected.OrderBy(p => p.Key), folder.Components.OrderBy(p => p.Key));
        foreach (var name in expected.Keys) Assert.True(Directory.Exists(folder.RequireComponent(name)), name);
        // Facts §4: the released checkpoint's model_index.json is 693 B, the size of diffusers' dump of this index.
        Assert.Equal(693, new FileInfo(_folder.Model.PathOf(ModelFolder.IndexFileName)).Length);
    }

    [Fact]
    public void ConfigsLoadWithTheirReadersAndHoldThePreset()
    {
        var spec = RandomModelSpec.For(RandomModelPreset.Tiny);
        var transformer = SD3TransformerConfig.Load(Path.Combine(Component("transformer"), "config.json"));
        Assert.True(transformer.TxtAlignGuidance);
        Assert.Equal((2, 2, 8, 2, 32, 32, 16, 16), (transformer.NumLayers, transformer.NumAttentionHeads, transformer.AttentionHeadDim,
            transformer.PatchSize, transformer.JointAttentionDim, transformer.PooledProjectionDim, transformer.CaptionProjectionDim,
            transformer.PosEmbedMaxSize));

        var scheduler = FlowMatchEulerDiscreteSchedulerConfig.Load(Path.Combine(Component("scheduler"), "scheduler_config.json"));
        Assert.Equal((3.0, 1000, false), (scheduler.Shift, scheduler.NumTrainTimesteps, scheduler.UseDynamicShifting));

        var vae = AutoencoderKLConfig.Load(Path.Combine(Component("vae"), "config.json"));
        Assert.Equal(transformer.InChannels, vae.LatentChannels);
        Assert.Equal(spec.ImageSize / vae.DownsampleFactor, transformer.SampleSize);

        var clipL = CLIPTextConfig.Load(Path.Combine(Component("text_encoder"), "config.json"));
        var clipG = CLIPTextConfig.Load(Path.Combine(Component("text_encoder_2"), "config.json"));
        var t5 = T5Config.Load(Path.Combine(Component("text_encoder_3"), "config.json"));
        Assert.Equal(("quick_gelu", "gelu"), (clipL.HiddenAct, clipG.HiddenAct));
        Assert.True(clipL.HiddenSize + clipG.HiddenSize <= transformer.JointAttentionDim);
        Assert.Equal(transformer.PooledProjectionDim, clipL.ProjectionDim + clipG.ProjectionDim);
        Assert.Equal(transformer.JointAttentionDim, t5.DModel);
        Assert.Equal("gated-gelu", t5.FeedForwardProj);
    }

    [Fact]
    public void EveryComponentsWeightsLoadStrictlyIntoAFreshModule()
    {
        using var noGrad = no_grad();
        using (var transformer = new SD3Transformer2DModel(SD3TransformerConfig.Load(Path.Combine(Component("transformer"), "config.json"))))
            AssertLoads(transformer, "transformer", "diffusion_pytorch_model.safetensors");
        using (var vae = new AutoencoderKL(AutoencoderKLConfig.Load(Path.Combine(Component("vae"), "config.json"))))
            AssertLoads(vae, "vae", "diffusion_pytorch_model.safetensors");
        foreach (var name in new[] { "text_encoder", "text_encoder_2" })
        {
            using var clip = new CLIPTextModelWithProjection(CLIPTextConfig.Load(Path.Combine(Component(name), "config.json")));
            AssertLoads(clip, name, "model.safetensors");
        }
        using var t5 = new T5EncoderModel(T5Config.Load(Path.Combine(Component("text_encoder_3"), "config.json")));
        AssertLoads(t5, "text_encoder_3", "model.safetensors", new StateDictLoadOptions { TiedGroups = T5EncoderModel.TiedGroups });
    }

    // Loading must replace the fresh module's own random weights with the file's, bit for bit.
    private void AssertLoads(nn.Module module, string component, string file, StateDictLoadOptions? options = null)
    {
        var path = Path.Combine(Component(component), file);
        StateDictLoader.Load(module, path, options);
        using var checkpoint = SafetensorsCheckpoint.Open(path);
        foreach (var (key, tensor) in module.state_dict())
        {
            var source = checkpoint.Tensors.ContainsKey(key) ? key : "shared.weight";
            using var stored = checkpoint.Read(source);
            Assert.True(stored.eq(tensor).all().item<bool>(), $"{component}/{key} differs from the file after loading.");
            Assert.True(tensor.isfinite().all().item<bool>(), $"{component}/{key} has non-finite values.");
        }
    }

    [Fact]
    public void NormsAreOneAndZeroAndNoTiedDuplicateIsStored()
    {
        using var clip = SafetensorsCheckpoint.Open(Path.Combine(Component("text_encoder"), "model.safetensors"));
        using var weight = clip.Read("text_model.final_layer_norm.weight");
        using var bias = clip.Read("text_model.final_layer_norm.bias");
        Assert.True(weight.eq(1).all().item<bool>());
        Assert.True(bias.eq(0).all().item<bool>());
        using var vae = SafetensorsCheckpoint.Open(Path.Combine(Component("vae"), "diffusion_pytorch_model.safetensors"));
        using var groupNorm = vae.Read("decoder.conv_norm_out.weight");
        Assert.True(groupNorm.eq(1).all().item<bool>());

        using var t5 = SafetensorsCheckpoint.Open(Path.Combine(Component("text_encoder_3"), "model.safetensors"));
        Assert.Contains("shared.weight", t5.Tensors.Keys);
        Assert.DoesNotContain("encoder.embed_tokens.weight", t5.Tensors.Keys);
        Assert.All(t5.Tensors.Values, info => Assert.Equal("F32", info.DType));
    }

    [Fact]
    public void TokenizersLoadAndFrameAPrompt()
    {
        var clipL = ClipTokenizer.FromFolder(Component("tokenizer"));
        var clipG = ClipTokenizer.FromFolder(Component("tokenizer_2"));
        var vocab = RandomModelSpec.For(RandomModelPreset.Tiny).ClipVocabSize;
        Assert.Equal((vocab - 2, vocab - 1, vocab - 1), (clipL.BosId, clipL.EosId, clipL.PadId));
        Assert.Equal((vocab - 2, vocab - 1, 0), (clipG.BosId, clipG.EosId, clipG.PadId));

        var ids = clipL.Encode("a photo of a cat").Ids;
        Assert.Equal(77, ids.Length);
        Assert.Equal(vocab - 2, ids[0]);
        Assert.All(ids, id => Assert.InRange(id, 0, vocab - 1));
        var end = Array.IndexOf(ids, vocab - 1);
        Assert.True(end > 1, "the prompt's tokens come before the end token");
        Assert.Equal(clipL.Encode("a photo of a cat").Ids[..end], clipG.Encode("a photo of a cat").Ids[..end]);

        var t5 = T5Tokenizer.FromFolder(Component("tokenizer_3"));
        Assert.Equal((1, 0, 2), (t5.EosId, t5.PadId, t5.UnkId));
        var t5Ids = t5.Encode("a photo of a cat").Ids;
        Assert.Equal(256, t5Ids.Length);
        var eos = Array.IndexOf(t5Ids, 1);
        Assert.True(eos > 0);
        Assert.All(t5Ids[..eos], id => Assert.InRange(id, 3, T5Config.Load(Path.Combine(Component("text_encoder_3"), "config.json")).VocabSize - 1));
        Assert.All(t5Ids[(eos + 1)..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void LoadedTransformerAndVaeRunAtTheDefaultImageSize()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var config = SD3TransformerConfig.Load(Path.Combine(Component("transformer"), "config.json"));
        using var transformer = new SD3Transformer2DModel(config);
        StateDictLoader.Load(transformer, Path.Combine(Component("transformer"), "diffusion_pytorch_model.safetensors"));
        using var vae = new AutoencoderKL(AutoencoderKLConfig.Load(Path.Combine(Component("vae"), "config.json")));
        StateDictLoader.Load(vae, Path.Combine(Component("vae"), "diffusion_pytorch_model.safetensors"));

        var imageSize = RandomModelSpec.For(RandomModelPreset.Tiny).ImageSize;
        var latentSize = imageSize / vae.Config.DownsampleFactor;
        manual_seed(3);
        var latents = randn(1, config.InChannels, latentSize, latentSize);          // (1, 4, 16, 16)
        var velocity = transformer.call(new SD3TransformerInput(
            latents, randn(1, 154, config.JointAttentionDim), randn(1, config.PooledProjectionDim), tensor(new[] { 500f }),
            TxtAlignGuidance: tensor(new[] { 5000f }), TxtAlignVec: randn(1, config.PooledProjectionDim)));
        Assert.Equal(latents.shape, velocity.shape);
        Assert.True(velocity.isfinite().all().item<bool>());
        Assert.True(velocity.std().item<float>() > 0);

        var image = vae.Decode(latents);                                             // (1, 3, 32, 32)
        Assert.Equal([1L, 3, imageSize, imageSize], image.shape);
        Assert.True(image.isfinite().all().item<bool>());
    }

    [Fact]
    public void TinyFolderStaysSmall()
    {
        var bytes = _folder.Model.Files().Sum(f => new FileInfo(_folder.Model.PathOf(f)).Length);
        Assert.InRange(bytes, 100_000, 1_000_000);
    }
}
