using TeEFusion.Core.IO;

namespace TeEFusion.Core.Tests.IO;

public sealed class ModelFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("teefusion-folder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void WriteIndex(string json) => File.WriteAllText(Path.Combine(_root, ModelFolder.IndexFileName), json);

    private const string Sd3Index = """
        {
          "_class_name": "StableDiffusion3Pipeline",
          "_diffusers_version": "0.32.2",
          "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
          "text_encoder": ["transformers", "CLIPTextModelWithProjection"],
          "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
          "text_encoder_3": [null, null],
          "tokenizer": ["transformers", "CLIPTokenizer"],
          "tokenizer_2": ["transformers", "CLIPTokenizer"],
          "tokenizer_3": [null, null],
          "transformer": ["diffusers", "SD3Transformer2DModel"],
          "vae": ["diffusers", "AutoencoderKL"],
          "image_encoder": [null, null]
        }
        """;

    [Fact]
    public void ReadsComponentsAndLeavesOutNullEntries()
    {
        WriteIndex(Sd3Index);
        var folder = ModelFolder.Open(_root);
        Assert.Equal("StableDiffusion3Pipeline", folder.PipelineClass);
        Assert.Equal("0.32.2", folder.DiffusersVersion);
        Assert.Equal(["scheduler", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2", "transformer", "vae"], folder.Components.Keys);
        Assert.Equal(new ComponentEntry("diffusers", "SD3Transformer2DModel"), folder.Components["transformer"]);
        Assert.Null(folder.OptionalComponent("text_encoder_3"));
    }

    [Fact]
    public void MissingIndexNamesTheFile()
    {
        var error = Assert.Throws<ModelFormatException>(() => ModelFolder.Open(_root));
        Assert.EndsWith(ModelFolder.IndexFileName, error.File);
    }

    [Fact]
    public void InvalidJsonNamesTheFile()
    {
        WriteIndex("{ \"_class_name\": ");
        var error = Assert.Throws<ModelFormatException>(() => ModelFolder.Open(_root));
        Assert.Contains("invalid JSON", error.Message);
        Assert.EndsWith(ModelFolder.IndexFileName, error.File);
    }

    [Fact]
    public void MissingClassNameIsRefused()
    {
        WriteIndex("""{ "vae": ["diffusers", "AutoencoderKL"] }""");
        Assert.Equal("_class_name", Assert.Throws<ModelFormatException>(() => ModelFolder.Open(_root)).Field);
    }

    [Fact]
    public void DeclaredButMissingComponentFolderNamesIt()
    {
        WriteIndex(Sd3Index);
        var error = Assert.Throws<ModelFormatException>(() => ModelFolder.Open(_root).RequireComponent("vae"));
        Assert.EndsWith("vae", error.File);
    }

    [Fact]
    public void UndeclaredComponentIsRefused()
    {
        WriteIndex(Sd3Index);
        var error = Assert.Throws<ModelFormatException>(() => ModelFolder.Open(_root).RequireComponent("text_encoder_3"));
        Assert.Equal("text_encoder_3", error.Field);
    }

    [Fact]
    public void MissingFileInsideComponentNamesThePath()
    {
        WriteIndex(Sd3Index);
        Directory.CreateDirectory(Path.Combine(_root, "vae"));
        var error = Assert.Throws<ModelFormatException>(() => ModelFolder.Open(_root).RequireFile("vae", "config.json"));
        Assert.Equal(Path.Combine(_root, "vae", "config.json"), error.File);
    }

    [Fact]
    public void MalformedEntryIsRefused()
    {
        WriteIndex("""{ "_class_name": "X", "vae": ["diffusers"] }""");
        Assert.Equal("vae", Assert.Throws<ModelFormatException>(() => ModelFolder.Open(_root)).Field);
    }
    [Fact]
    public void DefaultGuidanceIsNullWhenTheIndexNamesNone()
    {
        WriteIndex(Sd3Index);
        Assert.Null(ModelFolder.Open(_root).DefaultGuidance);
    }

    [Fact]
    public void WrittenDefaultGuidanceIsReadBackAndTheComponentsStay()
    {
        WriteIndex(Sd3Index);
        ModelFolder.WriteDefaultGuidance(_root, 2.5);
        var folder = ModelFolder.Open(_root);
        Assert.Equal(2.5, folder.DefaultGuidance);
        Assert.Equal("0.32.2", folder.DiffusersVersion);
        Assert.Equal(["scheduler", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2", "transformer", "vae"], folder.Components.Keys);
    }

    [Theory]
    [InlineData("\"5\"")]
    [InlineData("0.5")]
    [InlineData("null")]
    public void DefaultGuidanceThatIsNotANumberAtLeastOneNamesTheFileAndKey(string value)
    {
        WriteIndex(Sd3Index.TrimEnd().TrimEnd('}') + $", \"{ModelFolder.DefaultGuidanceKey}\": {value} }}");
        var error = Assert.Throws<ModelFormatException>(() => ModelFolder.Open(_root));
        Assert.Equal(ModelFolder.DefaultGuidanceKey, error.Field);
        Assert.EndsWith(ModelFolder.IndexFileName, error.File);
        Assert.Contains(value, error.Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    public void WritingAnInvalidDefaultGuidanceIsRefusedAndLeavesTheIndex(double guidance)
    {
        WriteIndex(Sd3Index);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelFolder.WriteDefaultGuidance(_root, guidance));
        Assert.Equal(Sd3Index, File.ReadAllText(Path.Combine(_root, ModelFolder.IndexFileName)));
    }
}
