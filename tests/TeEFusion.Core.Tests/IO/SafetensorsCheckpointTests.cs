using System.Text.Json;
using TeEFusion.Core.IO;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.IO;

[Collection("Sequential")]
public class SafetensorsCheckpointTests
{
    private const string Stem = "diffusion_pytorch_model";

    [Fact]
    public void ShardsLikeHuggingFaceAndReadsBackTheUnion()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        // Bytes: a 40, b 40, c 40, d 200 (over the limit: a shard of its own, emitted before c's), e 16.
        var tensors = new KeyValuePair<string, Tensor>[]
        {
            new("a", randn(10)), new("b", randn(10)), new("c", randn(10)), new("d", randn(50)), new("e", arange(0, 2, ScalarType.Int64)),
        };

        var opened = SafetensorsWriter.WriteSharded(dir.Path, Stem, tensors, maxShardBytes: 100, new Dictionary<string, string> { ["format"] = "pt" });

        var index = dir.File(Stem + ".safetensors.index.json");
        Assert.Equal(index, opened);
        Assert.EndsWith("\n", File.ReadAllText(index));
        using var json = JsonDocument.Parse(File.ReadAllText(index));
        Assert.Equal(336, json.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        var weightMap = json.RootElement.GetProperty("weight_map").EnumerateObject().ToList();
        Assert.Equal(["a", "b", "c", "d", "e"], weightMap.Select(p => p.Name));
        string Shard(int i) => $"{Stem}-0000{i}-of-00003.safetensors";
        Assert.Equal([Shard(1), Shard(1), Shard(3), Shard(2), Shard(3)], weightMap.Select(p => p.Value.GetString()));
        Assert.Equal([Shard(1), Shard(2), Shard(3), Stem + ".safetensors.index.json"],
            Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        Assert.Equal(3, checkpoint.Files.Count);
        Assert.Equal(tensors.Select(t => t.Key).Order(), checkpoint.Tensors.Keys.Order());
        foreach (var (name, tensor) in tensors)
        {
            var read = checkpoint.Read(name);
            Assert.True(tensor.bytes.SequenceEqual(read.bytes), name);
        }
        Assert.Equal("pt", checkpoint.FileOf("d").Metadata["format"]);
    }

    [Fact]
    public void EverythingInOneShardWritesAPlainFileAndRemovesAnOlderShardedSave()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        SafetensorsWriter.WriteSharded(dir.Path, Stem, [new("a", randn(10)), new("b", randn(10))], maxShardBytes: 40);
        var unrelated = dir.File("model.fp16.safetensors.txt");
        File.WriteAllText(unrelated, "kept");

        var opened = SafetensorsWriter.WriteSharded(dir.Path, Stem, [new("a", randn(10)), new("b", randn(10))], maxShardBytes: 1000);

        Assert.Equal(dir.File(Stem + ".safetensors"), opened);
        Assert.Equal([Stem + ".safetensors", "model.fp16.safetensors.txt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        Assert.Equal(opened, checkpoint.Path);
        Assert.Equal(2, checkpoint.Tensors.Count);
    }

    [Fact]
    public void OpensTransformersNamedFileInADirectory()
    {
        using var dir = new TempDirectory();
        using var tensor = ones(2);
        SafetensorsWriter.Write(dir.File("model.safetensors"), [new("t", tensor)]);
        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        Assert.Equal(dir.File("model.safetensors"), checkpoint.Path);
    }

    [Fact]
    public void DirectoryWithoutWeightsListsWhatWasLookedFor()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsCheckpoint.Open(dir.Path));
        Assert.Equal(dir.Path, error.File);
        foreach (var name in SafetensorsCheckpoint.ComponentFileNames) Assert.Contains(name, error.Message);
    }

    [Fact]
    public void DirectoryWithTwoCandidatesIsAmbiguous()
    {
        using var dir = new TempDirectory();
        using var tensor = ones(2);
        SafetensorsWriter.Write(dir.File("model.safetensors"), [new("t", tensor)]);
        SafetensorsWriter.Write(dir.File(Stem + ".safetensors"), [new("t", tensor)]);
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsCheckpoint.Open(dir.Path));
        Assert.Contains($"ambiguous weights: found {Stem}.safetensors, model.safetensors", error.Message);
    }

    [Fact]
    public void IndexNamingAMissingShard()
    {
        using var dir = new TempDirectory();
        var index = WriteIndex(dir, ("a", "shard-1.safetensors"));
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsCheckpoint.Open(index));
        Assert.Equal(index, error.File);
        Assert.Contains("'shard-1.safetensors', which does not exist", error.Message);
    }

    [Fact]
    public void IndexNamingATensorAbsentFromItsShard()
    {
        using var dir = new TempDirectory();
        using var tensor = ones(2);
        SafetensorsWriter.Write(dir.File("s1.safetensors"), [new("a", tensor)]);
        var index = WriteIndex(dir, ("a", "s1.safetensors"), ("b", "s1.safetensors"));
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsCheckpoint.Open(index));
        Assert.Equal("b", error.Tensor);
        Assert.Contains(dir.File("s1.safetensors") + " does not hold it", error.Message);
    }

    [Fact]
    public void TensorInTwoShardsNamesBothFiles()
    {
        using var dir = new TempDirectory();
        using var tensor = ones(2);
        SafetensorsWriter.Write(dir.File("s1.safetensors"), [new("a", tensor), new("dup", tensor)]);
        SafetensorsWriter.Write(dir.File("s2.safetensors"), [new("b", tensor), new("dup", tensor)]);
        var index = WriteIndex(dir, ("a", "s1.safetensors"), ("b", "s2.safetensors"), ("dup", "s1.safetensors"));
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsCheckpoint.Open(index));
        Assert.Equal("dup", error.Tensor);
        Assert.Contains($"in both {dir.File("s1.safetensors")} and {dir.File("s2.safetensors")}", error.Message);
    }

    [Fact]
    public void ShardTensorMissingFromIndex()
    {
        using var dir = new TempDirectory();
        using var tensor = ones(2);
        SafetensorsWriter.Write(dir.File("s1.safetensors"), [new("a", tensor), new("stray", tensor)]);
        var index = WriteIndex(dir, ("a", "s1.safetensors"));
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsCheckpoint.Open(index));
        Assert.Equal("stray", error.Tensor);
        Assert.Contains("does not list", error.Message);
    }

    [Theory]
    [InlineData("{\"weight_map\": {\"a\": \"../elsewhere.safetensors\"}}", "is not a shard file name")]
    [InlineData("{\"metadata\": {}}", "no 'weight_map' object")]
    [InlineData("{\"weight_map\": ", "not valid JSON")]
    public void MalformedIndex(string text, string expected)
    {
        using var dir = new TempDirectory();
        var index = dir.File(Stem + ".safetensors.index.json");
        File.WriteAllText(index, text);
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsCheckpoint.Open(index));
        Assert.Equal(index, error.File);
        Assert.Contains(expected, error.Message);
    }

    private static string WriteIndex(TempDirectory dir, params (string Tensor, string Shard)[] map)
    {
        var index = dir.File(Stem + ".safetensors.index.json");
        File.WriteAllText(index, JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = map.ToDictionary(m => m.Tensor, m => m.Shard) }));
        return index;
    }
}
