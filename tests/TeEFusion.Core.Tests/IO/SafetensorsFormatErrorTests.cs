using TeEFusion.Core.IO;

namespace TeEFusion.Core.Tests.IO;

[Collection("Sequential")]
public class SafetensorsFormatErrorTests
{
    [Fact]
    public void FileShorterThanLengthPrefix()
    {
        using var dir = new TempDirectory();
        var path = dir.File("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        AssertOpenFails(path, null, "shorter than the 8-byte header length");
    }

    [Fact]
    public void HeaderLengthBeyondFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("long.safetensors");
        var bytes = new byte[20];
        BitConverter.TryWriteBytes(bytes, 1000UL);
        File.WriteAllBytes(path, bytes);
        AssertOpenFails(path, null, "header length 1000 runs past the end of the file (20 bytes)");
    }

    [Theory]
    [InlineData("{\"a\": {\"dtype\": ", "not valid JSON")]
    [InlineData("[1, 2]", "JSON Array, not an object")]
    [InlineData("{\"__metadata__\": [1]}", "'__metadata__' is a JSON Array")]
    [InlineData("{\"__metadata__\": {\"k\": 1}}", "'__metadata__' entry 'k' is a JSON Number")]
    public void HeaderThatIsNotATensorTable(string header, string expected)
    {
        using var dir = new TempDirectory();
        AssertOpenFails(dir.WriteRaw("bad.safetensors", header, 0), null, expected);
    }

    [Theory]
    [InlineData("{\"w\": 3}", "not an object with dtype, shape and data_offsets")]
    [InlineData("{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", "has no 'dtype'")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", "has no 'shape'")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", "has no 'data_offsets'")]
    [InlineData("{\"w\": {\"dtype\": 32, \"shape\": [1], \"data_offsets\": [0, 4]}}", "'dtype' is a JSON Number, expected String")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": \"1\", \"data_offsets\": [0, 4]}}", "'shape' is a JSON String, expected Array")]
    [InlineData("{\"w\": {\"dtype\": \"Q7\", \"shape\": [1], \"data_offsets\": [0, 4]}}", "unsupported dtype 'Q7'")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", "shape must hold non-negative integers, found -1")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]}}", "shape must hold non-negative integers, found 1.5")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [\"2\"], \"data_offsets\": [0, 4]}}", "shape must hold non-negative integers, found \"2\"")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", "data_offsets has 1 numbers")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [-4, 0]}}", "data_offsets must hold non-negative integers")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 400]}}", "data_offsets [0, 400] lie outside the data section of 16 bytes")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 4]}}", "data_offsets [8, 4] lie outside")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}", "hold 12 bytes but F32 shape [2, 2] needs 16")]
    [InlineData("{\"w\": {\"dtype\": \"F64\", \"shape\": [4611686018427387904, 4], \"data_offsets\": [0, 16]}}", "is too large to address")]
    [InlineData("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}, \"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", "lists this tensor twice")]
    public void BrokenTensorEntryNamesFileAndTensor(string header, string expected)
    {
        using var dir = new TempDirectory();
        AssertOpenFails(dir.WriteRaw("bad.safetensors", header, 16), "w", expected);
    }

    [Fact]
    public void OverlappingTensors()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRaw("overlap.safetensors",
            """{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}""", 24);
        AssertOpenFails(path, "b", "bytes [8, 24) overlap tensor 'a' at [0, 16)");
    }

    [Fact]
    public void UnsupportedDTypeOpensButFailsOnRead()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRaw("fp8.safetensors", """{"w8": {"dtype": "F8_E4M3", "shape": [2, 2], "data_offsets": [0, 4]}}""", 4);
        using var file = SafetensorsFile.Open(path);
        Assert.Equal("F8_E4M3", file.Tensors["w8"].DType);
        AssertNames(Assert.Throws<ModelFormatException>(() => file.Read("w8")), path, "w8", "unsupported dtype 'F8_E4M3'");
    }

    [Fact]
    public void BoolBytesOtherThanZeroOrOneAreRejected()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRaw("mask.safetensors", """{"mask": {"dtype": "BOOL", "shape": [3], "data_offsets": [0, 3]}}""", 3, fill: 2);
        using var file = SafetensorsFile.Open(path);
        AssertNames(Assert.Throws<ModelFormatException>(() => file.Read("mask")), path, "mask", "BOOL byte 0 has value 2");
    }

    [Fact]
    public void ReadingAnAbsentTensorNamesIt()
    {
        using var dir = new TempDirectory();
        var path = dir.WriteRaw("one.safetensors", """{"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}}""", 1);
        using var file = SafetensorsFile.Open(path);
        AssertNames(Assert.Throws<ModelFormatException>(() => file.Read("b")), path, "b", "no such tensor");
    }

    [Fact]
    public void MissingFile()
    {
        using var dir = new TempDirectory();
        AssertOpenFails(dir.File("absent.safetensors"), null, "file not found");
    }

    private static void AssertOpenFails(string path, string? tensor, string expected) =>
        AssertNames(Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path).Dispose()), path, tensor, expected);

    private static void AssertNames(ModelFormatException error, string path, string? tensor, string expected)
    {
        Assert.Equal(path, error.File);
        Assert.StartsWith(path, error.Message);
        Assert.Equal(tensor, error.Tensor);
        if (tensor is not null) Assert.Contains($"'{tensor}'", error.Message);
        Assert.Contains(expected, error.Message);
    }
}
