using System.Text.Json;
using TeEFusion.Core.Imaging;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Imaging;

[Collection("Sequential")]
public class DecodedImageTests
{
    public sealed record Case(string Name, string Dtype, long[] Shape, float[] Input, int[] ExpectedHwc);

    private static readonly Case[] Cases = JsonSerializer.Deserialize<Case[]>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Imaging", "postprocess.json")),
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesDiffusersPostprocess(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        using var scope = NewDisposeScope();
        var dtype = c.Dtype == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
        var image = tensor(c.Input, c.Shape).to(dtype);
        Assert.Equal(c.ExpectedHwc, DecodedImage.ToRgb24(image).Select(b => (int)b));
    }

    [Theory]
    [InlineData(-1f, 0)]
    [InlineData(1f, 255)]
    [InlineData(-3f, 0)]
    [InlineData(2.5f, 255)]
    [InlineData(float.NegativeInfinity, 0)]
    [InlineData(float.PositiveInfinity, 255)]
    [InlineData(-0.99f, 1)]                  // about 1.275 -> 1
    [InlineData(0f, 128)]                    // 127.5 -> 128 (even)
    [InlineData(-0.4941175878047943f, 64)]   // 64.5 -> 64 (even; half-up would give 65)
    [InlineData(-0.48627445101737976f, 66)]  // 65.5 -> 66 (even)
    [InlineData(0.5725489854812622f, 200)]   // 200.5 -> 200 (even; half-up would give 201)
    [InlineData(0.9882351756095886f, 254)]   // 253.5 -> 254 (even)
    public void RoundsLikeDiffusers(float value, byte expected)
    {
        using var scope = NewDisposeScope();
        var pixels = DecodedImage.ToRgb24(full(3, 1, 1, value));
        Assert.Equal(new[] { expected, expected, expected }, pixels);
    }

    // The premise of the half-way cases above: float32 arithmetic really lands on k + 0.5 for them.
    [Theory]
    [InlineData(0f, 127.5f)]
    [InlineData(-0.4941175878047943f, 64.5f)]
    [InlineData(-0.48627445101737976f, 65.5f)]
    [InlineData(0.5725489854812622f, 200.5f)]
    [InlineData(0.9882351756095886f, 253.5f)]
    public void HalfwayInputsAreExactHalves(float value, float scaled) => Assert.Equal(scaled, (value / 2f + 0.5f) * 255f);

    [Fact]
    public void RejectsBadInput()
    {
        using var scope = NewDisposeScope();
        Assert.Contains("(3, H, W)", Assert.Throws<ArgumentException>(() => DecodedImage.ToRgb24(zeros(4, 8, 8))).Message);
        Assert.Contains("floating-point", Assert.Throws<ArgumentException>(() => DecodedImage.ToRgb24(zeros(3, 2, 2, ScalarType.Byte))).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => DecodedImage.ToRgb24(full(3, 2, 2, float.NaN))).Message);
    }
}
