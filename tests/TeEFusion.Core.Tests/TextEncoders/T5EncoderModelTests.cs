using TeEFusion.Core.IO;
using TeEFusion.Core.TextEncoders;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.TextEncoders;

[Collection("Sequential")]
public class T5EncoderModelTests(ITestOutputHelper output)
{
    private const string Name = "t5_tiny";

    [Fact]
    public void MatchesIndependentReference()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = Load();
        var expected = TextEncoderFixture.Expected(Name);

        var last = model.call(expected["input_ids"]);

        var (maxAbs, relative) = TextEncoderFixture.Error(last, expected["last_hidden_state"]);
        output.WriteLine($"{Name} last_hidden_state: max abs {maxAbs:E2}, relative {relative:E2}");
        Assert.True(relative <= 1e-5, $"relative error {relative:E2} > 1E-5");
    }

    [Theory]
    [InlineData(32, 128, "buckets_32_128")]
    [InlineData(8, 12, "buckets_8_12")]
    public void RelativePositionBucketsMatchReference(int buckets, int maxDistance, string table)
    {
        using var scope = NewDisposeScope();
        var expected = TextEncoderFixture.Expected(Name);
        var actual = T5Attention.RelativePositionBucket(expected["relative_positions"], buckets, maxDistance);
        Assert.Equal(expected[table].data<long>().ToArray(), actual.data<long>().ToArray());
    }

    [Fact]
    public void FileWithSharedWeightOnlyFillsTheTiedEmbedding()
    {
        using var scope = NewDisposeScope();
        var model = Load();
        var state = model.state_dict();
        Assert.True(state["shared.weight"].equal(state["encoder.embed_tokens.weight"]).all().item<bool>());
        using var file = SafetensorsFile.Open(TextEncoderFixture.Case(Name, "model.safetensors"));
        Assert.DoesNotContain("encoder.embed_tokens.weight", file.Tensors.Keys);
        Assert.True(state["encoder.embed_tokens.weight"].equal(file.Read("shared.weight")).all().item<bool>());
    }

    [Fact]
    public void Fp16ForwardStaysFinite()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var model = Load();
        var ids = TextEncoderFixture.Expected(Name)["input_ids"];
        var reference = model.call(ids);
        model.to(ScalarType.Float16);
        var half = model.call(ids);
        Assert.Equal(ScalarType.Float16, half.dtype);
        var (_, relative) = TextEncoderFixture.Error(half.to(ScalarType.Float32), reference);
        Assert.True(relative < 1e-2, $"fp16 relative error {relative:E2}");
    }

    [Fact]
    public void ForwardLeavesNoLiveTensors()
    {
        using var noGrad = no_grad();
        using var outer = NewDisposeScope();
        var model = Load();
        var ids = TextEncoderFixture.Expected(Name)["input_ids"];
        using (NewDisposeScope()) model.call(ids);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (NewDisposeScope()) Assert.Equal(3, model.call(ids).dim());
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    internal static T5EncoderModel Load()
    {
        var model = new T5EncoderModel(T5Config.Load(TextEncoderFixture.Case(Name, "config.json")));
        StateDictLoader.Load(model, TextEncoderFixture.Case(Name, "model.safetensors"),
            new StateDictLoadOptions { TiedGroups = T5EncoderModel.TiedGroups });
        model.eval();
        return model;
    }
}
