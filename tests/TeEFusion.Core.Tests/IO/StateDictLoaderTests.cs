using System.Text.Json;
using TeEFusion.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.IO;

[Collection("Sequential")]
public class StateDictLoaderTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "IO");

    private static readonly StateDictLoadOptions T5Tied = new()
    {
        TiedGroups = [["shared.weight", "encoder.embed_tokens.weight"]],
    };

    [Fact]
    public void LoadedLinearReproducesIndependentlyComputedOutput()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "linear.expected.json")));
        using var linear = nn.Linear(3, 2);
        StateDictLoader.Load(linear, Path.Combine(Fixtures, "linear.safetensors"));

        using var noGrad = no_grad();
        using var input = tensor(expected.RootElement.GetProperty("input").EnumerateArray().Select(e => e.GetSingle()).ToArray());
        using var output = linear.call(input);
        var want = expected.RootElement.GetProperty("output").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var got = output.data<float>().ToArray();
        for (var i = 0; i < want.Length; i++) Assert.Equal(want[i], got[i], 1e-6);
    }

    [Fact]
    public void SaveThenLoadCopiesEveryParameterAndBufferBitExactly()
    {
        using var dir = new TempDirectory();
        using var source = Network(seed: 1);
        using var target = Network(seed: 2);
        StateDictLoader.Save(source, dir.File("net.safetensors"));

        StateDictLoader.Load(target, dir.File("net.safetensors"));

        AssertSameState(source, target);
        using var file = SafetensorsFile.Open(dir.File("net.safetensors"));
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void ShardedSaveThenLoadFromDirectory()
    {
        using var dir = new TempDirectory();
        using var source = Network(seed: 3);
        using var target = Network(seed: 4);
        var opened = StateDictLoader.SaveSharded(source, dir.Path, "diffusion_pytorch_model", maxShardBytes: 100);

        Assert.EndsWith("diffusion_pytorch_model.safetensors.index.json", opened);
        StateDictLoader.Load(target, dir.Path);
        AssertSameState(source, target);
    }

    [Fact]
    public void ReportsAllMissingAndUnexpectedKeysInOneError()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        using var module = Network(seed: 5);
        var state = module.state_dict();
        var renamed = state.Select(p => p.Key == "0.weight" ? new KeyValuePair<string, Tensor>("zero.weight", p.Value) : p)
            .Where(p => p.Key != "2.bias")
            .Append(new("extra.scale", ones(1)));
        var path = dir.File("bad.safetensors");
        SafetensorsWriter.Write(path, renamed);

        var error = Assert.Throws<ModelFormatException>(() => StateDictLoader.Load(module, path));
        Assert.Equal(path, error.File);
        Assert.Contains("2 module weight(s) missing", error.Message);
        Assert.Contains("0.weight, 2.bias", error.Message);
        Assert.Contains("2 checkpoint tensor(s) the module does not have: extra.scale, zero.weight", error.Message);
    }

    [Fact]
    public void CapsLongListsOfNames()
    {
        using var dir = new TempDirectory();
        using var module = nn.Sequential(Enumerable.Range(0, 25).Select(i => ($"l{i:D2}", (nn.Module<Tensor, Tensor>)nn.Linear(1, 1, hasBias: false))).ToArray());
        using var other = ones(1);
        var path = dir.File("one.safetensors");
        SafetensorsWriter.Write(path, [new("something.else", other)]);

        var error = Assert.Throws<ModelFormatException>(() => StateDictLoader.Load(module, path));
        Assert.Contains("25 module weight(s) missing", error.Message);
        Assert.Contains("l19.weight and 5 more", error.Message);
        Assert.DoesNotContain("l20.weight", error.Message);
    }

    [Fact]
    public void ShapeMismatchNamesTensorAndBothShapesAndLeavesModuleUntouched()
    {
        using var dir = new TempDirectory();
        using var big = nn.Sequential(("0", nn.Linear(4, 3)), ("1", nn.Linear(3, 5)));
        using var small = nn.Sequential(("0", nn.Linear(4, 3)), ("1", nn.Linear(3, 2)));
        var path = dir.File("big.safetensors");
        StateDictLoader.Save(big, path);
        using var before = small.state_dict()["0.weight"].clone();

        var error = Assert.Throws<ModelFormatException>(() => StateDictLoader.Load(small, path));
        Assert.Contains(path, error.Message);
        Assert.Contains("'1.weight': checkpoint shape [5, 3], module shape [2, 3]", error.Message);
        Assert.Contains("'1.bias': checkpoint shape [5], module shape [2]", error.Message);
        Assert.True(before.bytes.SequenceEqual(small.state_dict()["0.weight"].bytes));
    }

    [Fact]
    public void DTypeMismatchIsAnErrorUnlessConversionIsAsked()
    {
        using var dir = new TempDirectory();
        using var source = Network(seed: 6);
        source.to(ScalarType.BFloat16);
        var path = dir.File("bf16.safetensors");
        StateDictLoader.Save(source, path);
        using var target = Network(seed: 7);

        var error = Assert.Throws<ModelFormatException>(() => StateDictLoader.Load(target, path));
        Assert.Contains("'0.weight': checkpoint dtype BF16 (BFloat16), module dtype Float32", error.Message);

        StateDictLoader.Load(target, path, new StateDictLoadOptions { ConvertDType = true });
        foreach (var (key, value) in source.state_dict())
        {
            // num_batches_tracked is I64 on both sides; every floating tensor went BF16 -> F32.
            var wanted = value.is_floating_point() ? ScalarType.Float32 : value.dtype;
            using var converted = value.to(wanted);
            var loaded = target.state_dict()[key];
            Assert.Equal(wanted, loaded.dtype);
            Assert.True(converted.bytes.SequenceEqual(loaded.bytes), key);
        }
    }

    [Theory]
    [InlineData("shared.weight")]
    [InlineData("encoder.embed_tokens.weight")]
    public void TiedGroupFillsEveryMemberFromWhicheverKeyIsStored(string stored)
    {
        using var dir = new TempDirectory();
        using var weight = randn(6, 4, generator: new Generator(8));
        var path = dir.File("t5.safetensors");
        SafetensorsWriter.Write(path, [new(stored, weight)]);
        using var module = T5Like();

        StateDictLoader.Load(module, path, T5Tied);

        foreach (var key in new[] { "shared.weight", "encoder.embed_tokens.weight" })
            Assert.True(weight.bytes.SequenceEqual(module.state_dict()[key].bytes), key);
    }

    [Fact]
    public void TiedGroupWithBothKeysStoredLoadsEachFromItsOwn()
    {
        using var dir = new TempDirectory();
        using var shared = randn(6, 4, generator: new Generator(9));
        using var embed = randn(6, 4, generator: new Generator(10));
        var path = dir.File("t5.safetensors");
        SafetensorsWriter.Write(path, [new("shared.weight", shared), new("encoder.embed_tokens.weight", embed)]);
        using var module = T5Like();

        StateDictLoader.Load(module, path, T5Tied);

        Assert.True(shared.bytes.SequenceEqual(module.state_dict()["shared.weight"].bytes));
        Assert.True(embed.bytes.SequenceEqual(module.state_dict()["encoder.embed_tokens.weight"].bytes));
    }

    [Fact]
    public void TiedGroupShapeMismatchNamesBothKeys()
    {
        using var dir = new TempDirectory();
        using var weight = randn(6, 5);
        var path = dir.File("t5.safetensors");
        SafetensorsWriter.Write(path, [new("shared.weight", weight)]);
        using var module = T5Like();

        var error = Assert.Throws<ModelFormatException>(() => StateDictLoader.Load(module, path, T5Tied));
        Assert.Contains("'encoder.embed_tokens.weight' (from 'shared.weight'): checkpoint shape [6, 5], module shape [6, 4]", error.Message);
        Assert.Contains("'shared.weight': checkpoint shape [6, 5], module shape [6, 4]", error.Message);
    }

    [Fact]
    public void WithoutTiedGroupTheOtherKeyIsMissing()
    {
        using var dir = new TempDirectory();
        using var weight = randn(6, 4);
        var path = dir.File("t5.safetensors");
        SafetensorsWriter.Write(path, [new("shared.weight", weight)]);
        using var module = T5Like();

        var error = Assert.Throws<ModelFormatException>(() => StateDictLoader.Load(module, path));
        Assert.Contains("1 module weight(s) missing from the checkpoint: encoder.embed_tokens.weight", error.Message);
    }

    [Fact]
    public void TiedGroupWithNoKeyStoredReportsEveryMemberMissing()
    {
        using var dir = new TempDirectory();
        using var other = ones(1);
        var path = dir.File("t5.safetensors");
        SafetensorsWriter.Write(path, [new("unrelated", other)]);
        using var module = T5Like();

        var error = Assert.Throws<ModelFormatException>(() => StateDictLoader.Load(module, path, T5Tied));
        Assert.Contains("missing from the checkpoint: encoder.embed_tokens.weight, shared.weight", error.Message);
        Assert.Contains("does not have: unrelated", error.Message);
    }

    [Fact]
    public void UnsupportedDTypeIsReportedBeforeAnythingIsCopied()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRaw("fp8.safetensors",
            """{"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"weight":{"dtype":"F8_E4M3","shape":[2,3],"data_offsets":[8,14]}}""", 14);
        using var linear = nn.Linear(3, 2);

        var error = Assert.Throws<ModelFormatException>(() => StateDictLoader.Load(linear, path, new StateDictLoadOptions { ConvertDType = true }));
        Assert.Equal("weight", error.Tensor);
        Assert.Contains("unsupported dtype 'F8_E4M3'", error.Message);
    }

    private static TorchSharp.Modules.Sequential Network(int seed)
    {
        manual_seed(seed);
        // BatchNorm brings buffers (running_mean/var, num_batches_tracked: I64) into the state_dict; one training
        // forward makes them differ from their initial values, so a load that skipped buffers would be seen.
        var network = nn.Sequential(("0", nn.Linear(4, 8)), ("1", nn.BatchNorm1d(8)), ("2", nn.Linear(8, 3)));
        using var noGrad = no_grad();
        using var input = randn(5, 4);
        using var output = network.call(input);
        return network;
    }

    private static TorchSharp.Modules.Sequential T5Like() =>
        nn.Sequential(("shared", nn.Embedding(6, 4)), ("encoder", nn.Sequential(("embed_tokens", nn.Embedding(6, 4)))));

    private static void AssertSameState(nn.Module expected, nn.Module actual)
    {
        var want = expected.state_dict();
        var got = actual.state_dict();
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        foreach (var (key, value) in want)
        {
            Assert.Equal(value.dtype, got[key].dtype);
            Assert.True(value.bytes.SequenceEqual(got[key].bytes), key);
        }
    }
}
