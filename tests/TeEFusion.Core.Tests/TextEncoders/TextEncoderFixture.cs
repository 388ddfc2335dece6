using TeEFusion.Core.IO;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.TextEncoders;

/// <summary>One case folder written by Fixtures/TextEncoders/make_fixtures.py: config.json, model.safetensors, expected.safetensors.</summary>
internal static class TextEncoderFixture
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "TextEncoders");

    public static string Case(string name, string file) => Path.Combine(Folder, name, file);

    /// <summary>Reads every tensor of the case's expected.safetensors (ids and reference outputs).</summary>
    public static Dictionary<string, Tensor> Expected(string name)
    {
        using var file = SafetensorsFile.Open(Case(name, "expected.safetensors"));
        return file.Tensors.Keys.ToDictionary(key => key, key => file.Read(key));
    }

    /// <summary>max |actual − expected| and that divided by max |expected| (a norm-wise relative error).</summary>
    public static (double MaxAbs, double Relative) Error(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var maxAbs = (actual - expected).abs().max().item<float>();
        return (maxAbs, maxAbs / expected.abs().max().item<float>());
    }
}
