using System.Buffers.Binary;
using System.Text.Json;
using TeEFusion.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.IO;

[Collection("Sequential")]
public class SafetensorsFileTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "IO");

    [Fact]
    public void ReadsFileFromIndependentWriter()
    {
        using var expectedJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "independent.expected.json")));
        var expected = expectedJson.RootElement;
        using var file = SafetensorsFile.Open(Path.Combine(Fixtures, "independent.safetensors"));

        Assert.Equal(expected.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!), file.Metadata);
        var tensors = expected.GetProperty("tensors").EnumerateObject().ToList();
        Assert.Equal(tensors.Select(t => t.Name).Order(), file.Tensors.Keys.Order());
        foreach (var entry in tensors)
        {
            var dtype = entry.Value.GetProperty("dtype").GetString()!;
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var values = entry.Value.GetProperty("values");
            using var tensor = file.Read(entry.Name);
            Assert.Equal(dtype, file.Tensors[entry.Name].DType);
            Assert.Equal(shape, tensor.shape);
            AssertValues(entry.Name, values, tensor);
        }
    }

    [Fact]
    public void ReadsIntoNewDTypeAndDevice()
    {
        using var dir = new TempDirectory();
        using var source = randn(3, 5, generator: new Generator(7));
        SafetensorsWriter.Write(dir.File("a.safetensors"), [new("x", source)]);
        using var file = SafetensorsFile.Open(dir.File("a.safetensors"));
        using var read = file.Read("x", ScalarType.BFloat16, CPU);
        using var expected = source.to(ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, read.dtype);
        Assert.True(expected.bytes.SequenceEqual(read.bytes));
    }

    [Fact]
    public void ReadsIntoExistingTensorsDirectlyOrThroughConversion()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var source = randn(3, 4, generator: new Generator(11));
        SafetensorsWriter.Write(dir.File("a.safetensors"), [new("x", source)]);
        using var file = SafetensorsFile.Open(dir.File("a.safetensors"));

        var same = zeros(3, 4);
        file.ReadInto("x", same);
        Assert.True(source.bytes.SequenceEqual(same.bytes));

        var half = zeros(3, 4, ScalarType.Float16);
        file.ReadInto("x", half);
        Assert.True(source.to(ScalarType.Float16).bytes.SequenceEqual(half.bytes));

        var strided = zeros(4, 3).t();
        file.ReadInto("x", strided);
        Assert.True(source.bytes.SequenceEqual(strided.contiguous().bytes));

        Assert.Contains("shape [3, 4]", Assert.Throws<ArgumentException>(() => file.ReadInto("x", zeros(4, 3))).Message);
    }

    public static TheoryData<ScalarType> AllDTypes => new()
    {
        ScalarType.Float64, ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16, ScalarType.Int64,
        ScalarType.Int32, ScalarType.Int16, ScalarType.Int8, ScalarType.Byte, ScalarType.Bool,
    };

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void RoundTripsEveryDTypeBitExactly(ScalarType dtype)
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var generator = new Generator(42);
        var matrix = SampleTensor(dtype, [4, 6], generator);
        var scalar = SampleTensor(dtype, [], generator);
        var empty = zeros([0, 3], dtype);
        var path = dir.File("all.safetensors");
        SafetensorsWriter.Write(path, [new("matrix", matrix), new("scalar", scalar), new("empty", empty)]);

        using var file = SafetensorsFile.Open(path);
        foreach (var (name, original) in new[] { ("matrix", matrix), ("scalar", scalar), ("empty", empty) })
        {
            var read = file.Read(name);
            Assert.Equal(dtype, read.dtype);
            Assert.Equal(original.shape, read.shape);
            Assert.True(original.numel() == 0 || original.bytes.SequenceEqual(read.bytes), $"{dtype} {name} differs");
        }
    }

    [Fact]
    public void RoundTripsMetadata()
    {
        using var dir = new TempDirectory();
        using var tensor = ones(2);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["prompt"] = "ein Fuchs – 狐 \"quoted\"", ["empty"] = "" };
        SafetensorsWriter.Write(dir.File("m.safetensors"), [new("t", tensor)], metadata);
        using var file = SafetensorsFile.Open(dir.File("m.safetensors"));
        Assert.Equal(metadata, file.Metadata);
    }

    [Fact]
    public void PadsHeaderWithSpacesAndAlignsEveryTensor()
    {
        using var dir = new TempDirectory();
        using var scope = NewDisposeScope();
        var path = dir.File("aligned.safetensors");
        SafetensorsWriter.Write(path, [new("a_byte", ones(3, ScalarType.Byte)), new("b_half", ones(3, ScalarType.Float16)),
            new("c_double", ones(3, ScalarType.Float64)), new("d_float", ones(1, ScalarType.Float32))]);

        var bytes = File.ReadAllBytes(path);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Matches("^\\{.*\\} *$", header);
        using var file = SafetensorsFile.Open(path);
        foreach (var info in file.Tensors.Values)
        {
            var size = info.ByteLength / info.ElementCount;
            Assert.True(info.Begin % size == 0, $"{info.Name} starts at {info.Begin}");
        }
        Assert.Equal(bytes.Length - 8 - headerLength, file.Tensors.Values.Sum(t => t.ByteLength));
    }

    [Fact]
    public void ChunkedByteAccessCoversTheTensorInOrder()
    {
        using var tensor = arange(0, 10, ScalarType.Int32);
        var collected = new List<byte>();
        var offsets = new List<long>();
        TensorBytes.ForEachChunk(tensor, (chunk, offset) =>
        {
            offsets.Add(offset);
            collected.AddRange(chunk.ToArray());
        }, maxChunkBytes: 12);
        Assert.Equal([0L, 12, 24, 36], offsets);
        Assert.Equal(tensor.bytes.ToArray(), collected);
    }

    [Fact]
    public void ReadAfterDisposeThrows()
    {
        var file = SafetensorsFile.Open(Path.Combine(Fixtures, "independent.safetensors"));
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.Read("scale"));
    }

    private static Tensor SampleTensor(ScalarType dtype, long[] shape, Generator generator)
    {
        if (dtype == ScalarType.Bool) return randint(0, 2, shape, generator: generator).to(ScalarType.Bool);
        if (!is_floating_point(dtype))
        {
            var (low, high) = dtype switch
            {
                ScalarType.Byte => (0L, 256L),
                ScalarType.Int8 => (-128L, 128L),
                ScalarType.Int16 => (short.MinValue, short.MaxValue + 1L),
                _ => (int.MinValue, int.MaxValue + 1L),
            };
            return randint(low, high, shape, ScalarType.Int64, generator: generator).to(dtype);
        }

        var values = randn(shape, ScalarType.Float64, generator: generator).mul(100);
        if (values.numel() >= 4)
        {
            // Special values must survive as exact bit patterns too.
            var flat = values.view(-1);
            flat[0] = double.NaN;
            flat[1] = double.NegativeInfinity;
            flat[2] = -0.0;
            flat[3] = 1e-30;
        }
        return values.to(dtype);
    }

    private static void AssertValues(string name, JsonElement expected, Tensor tensor)
    {
        var items = expected.EnumerateArray().ToList();
        Assert.Equal(items.Count, tensor.numel());
        if (items.Count == 0) return; // TensorAccessor.ToArray throws on empty tensors
        if (tensor.dtype == ScalarType.Bool)
        {
            Assert.Equal(items.Select(e => e.GetBoolean()), tensor.data<bool>().ToArray());
        }
        else if (tensor.is_floating_point())
        {
            using var wide = tensor.to(ScalarType.Float64);
            var actual = wide.data<double>().ToArray().Select(BitConverter.DoubleToInt64Bits);
            Assert.True(items.Select(e => BitConverter.DoubleToInt64Bits(e.GetDouble())).SequenceEqual(actual), $"{name} values differ");
        }
        else
        {
            using var wide = tensor.to(ScalarType.Int64);
            Assert.Equal(items.Select(e => e.GetInt64()), wide.data<long>().ToArray());
        }
    }
}
