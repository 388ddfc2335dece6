using System.Text.Json.Nodes;
using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Pipelines;

/// <summary>Each broken folder gives one <see cref="ModelFormatException"/> naming the file at fault.</summary>
[Collection("Sequential")]
public sealed class BadModelFolderTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void AMissingFolderIsNamed()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<ModelFormatException>(() => StudentPipeline.Load(missing));
        Assert.Equal(missing, error.File);
    }

    [Fact]
    public void AMissingComponentFolderIsNamed()
    {
        var root = fixture.Copy();
        Directory.Delete(Path.Combine(root, "vae"), recursive: true);
        var error = Assert.Throws<ModelFormatException>(() => StudentPipeline.Load(root));
        Assert.EndsWith("vae", error.File);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void InvalidJsonInAConfigIsNamed()
    {
        var root = fixture.Copy();
        File.WriteAllText(Path.Combine(root, "transformer", "config.json"), "{ \"num_layers\": 2,");
        var error = Assert.Throws<ModelFormatException>(() => TeacherPipeline.Load(root));
        Assert.EndsWith(Path.Combine("transformer", "config.json"), error.File);
    }

    [Fact]
    public void EncoderWidthsThatDoNotFitTheTransformerAreNamed()
    {
        var root = fixture.Copy();
        EditJson(Path.Combine(root, "text_encoder", "config.json"), node => node["hidden_size"] = 24);
        var error = Assert.Throws<ModelFormatException>(() => StudentPipeline.Load(root));
        Assert.EndsWith(Path.Combine("text_encoder", "config.json"), error.File);
        Assert.Contains("hidden_size 24 + text_encoder_2/config.json hidden_size 16 exceed transformer/config.json joint_attention_dim 32", error.Message);
    }

    [Fact]
    public void VaeLatentChannelsThatDoNotFitTheTransformerAreNamed()
    {
        var root = fixture.Copy();
        EditJson(Path.Combine(root, "vae", "config.json"), node => node["latent_channels"] = 8);
        var error = Assert.Throws<ModelFormatException>(() => StudentPipeline.Load(root));
        Assert.EndsWith(Path.Combine("vae", "config.json"), error.File);
        Assert.Contains("in_channels 4", error.Message);
    }

    [Fact]
    public void AMissingTokenizerFileIsNamed()
    {
        var root = fixture.Copy();
        File.Delete(Path.Combine(root, "tokenizer_2", "merges.txt"));
        var error = Assert.Throws<ModelFormatException>(() => StudentPipeline.Load(root));
        Assert.EndsWith(Path.Combine("tokenizer_2", "merges.txt"), error.File);
    }

    [Fact]
    public void AWeightsFileWithAMissingTensorIsNamed()
    {
        var root = fixture.Copy();
        var weights = Path.Combine(root, "vae", "diffusion_pytorch_model.safetensors");
        const string dropped = "decoder.conv_out.weight";
        using (var scope = NewDisposeScope())
        {
            Dictionary<string, Tensor> kept;
            using (var file = SafetensorsFile.Open(weights))
                kept = file.Tensors.Keys.Where(k => k != dropped).ToDictionary(k => k, k => file.Read(k));
            SafetensorsWriter.Write(weights, kept, new Dictionary<string, string> { ["format"] = "pt" });
        }
        var error = Assert.Throws<ModelFormatException>(() => StudentPipeline.Load(root));
        Assert.Equal(weights, error.File);
        Assert.Contains(dropped, error.Message);
    }

    [Theory]
    [InlineData("_class_name", "StableDiffusionXLPipeline")]
    [InlineData("scheduler", "DDIMScheduler")]
    [InlineData("text_encoder_2", "CLIPTextModel")]
    public void AnUnexpectedClassInTheIndexIsNamed(string key, string className)
    {
        var root = fixture.Copy();
        EditJson(Path.Combine(root, ModelFolder.IndexFileName), node =>
            node[key] = key == "_class_name" ? className : new JsonArray("diffusers", className));
        var error = Assert.Throws<ModelFormatException>(() => TeacherPipeline.Load(root));
        Assert.EndsWith(ModelFolder.IndexFileName, error.File);
        Assert.Contains(className, error.Message);
    }

    private static void EditJson(string path, Action<JsonObject> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }
}
