using TeEFusion.Core.Pipelines;

namespace TeEFusion.Core.Tests.Pipelines;

[Collection("Sequential")]
public sealed class GenerationRequestTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static readonly GenerationRequest Valid = new("a cube") { Seed = 1, Steps = 2, Guidance = 3, Width = 32, Height = 32 };

    public static TheoryData<string, Func<GenerationRequest, GenerationRequest>> BadRequests => new()
    {
        { "Width", r => r with { Width = 40 } },
        { "Width", r => r with { Width = 0 } },
        { "Width", r => r with { Width = 80 } },
        { "Height", r => r with { Height = -16 } },
        { "Steps", r => r with { Steps = 0 } },
        { "Guidance", r => r with { Guidance = double.NaN } },
        { "Guidance", r => r with { Guidance = double.PositiveInfinity } },
        { "Seed", r => r with { Seed = -1 } },
        { "Prompt", r => r with { Prompt = null! } },
        { "NegativePrompt", r => r with { NegativePrompt = null! } },
        { "Sampler", r => r with { Sampler = new SamplerSettings(SamplerKind.Student) { Rounds = 0 } } },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void AnInvalidFieldIsNamed(string field, Func<GenerationRequest, GenerationRequest> edit)
    {
        var error = Assert.Throws<ArgumentException>(() => fixture.Student.Resolve(edit(Valid)));
        Assert.Equal(field, error.ParamName);
    }

    [Fact]
    public void TheLargestSizeIsAccepted()
    {
        var resolved = fixture.Student.Resolve(Valid with { Width = 64, Height = 16 });
        Assert.Equal((64, 16), (resolved.Width, resolved.Height));
    }

    [Fact]
    public void SamplerNamesParse()
    {
        Assert.Equal(["student", "euler-cfg", "z-sampling", "w2sd"], SamplerSettings.Names);
        foreach (var name in SamplerSettings.Names) Assert.Equal(name, SamplerSettings.Parse(name.ToUpperInvariant()).Name);
        Assert.Contains("euler-cfg", Assert.Throws<ArgumentException>(() => SamplerSettings.Parse("ddim")).Message);
    }
}
