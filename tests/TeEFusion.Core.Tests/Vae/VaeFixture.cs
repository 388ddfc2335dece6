using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Vae;

/// <summary>
/// Reads the F32 safetensors fixtures written by Fixtures/Vae/make_vae_fixtures.py: module weights under their
/// diffusers keys, plus `input.*` and `expected.*` tensors.
/// </summary>
internal sealed class VaeFixture : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;

    private VaeFixture(Dictionary<string, Tensor> tensors) => this.tensors = tensors;

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Vae", name);

    public static VaeFixture Open(string name)
    {
        var bytes = File.ReadAllBytes(PathOf(name));
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var dataStart = 8 + headerLength;
        var result = new Dictionary<string, Tensor>();
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            Assert.Equal("F32", entry.Value.GetProperty("dtype").GetString());
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var tensor = empty(shape, ScalarType.Float32);
            bytes.AsSpan(dataStart + offsets[0], offsets[1] - offsets[0]).CopyTo(tensor.bytes);
            result[entry.Name] = tensor.DetachFromDisposeScope();
        }
        return new VaeFixture(result);
    }

    public Tensor this[string name] => tensors[name];

    /// <summary>Copies every weight into <paramref name="module"/>; the key sets must match exactly, shapes too.</summary>
    public void LoadInto(nn.Module module)
    {
        var weights = tensors.Where(t => !t.Key.StartsWith("input.") && !t.Key.StartsWith("expected."))
            .ToDictionary(t => t.Key, t => t.Value);
        var state = module.state_dict();
        Assert.Equal(weights.Keys.Order(), state.Keys.Order());
        using var noGrad = no_grad();
        foreach (var (key, target) in state)
        {
            Assert.Equal(weights[key].shape, target.shape);
            target.copy_(weights[key]);
        }
    }

    public void Dispose()
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }
}
