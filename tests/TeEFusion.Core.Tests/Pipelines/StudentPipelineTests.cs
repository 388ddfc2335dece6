using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.Tests.Imaging;
using TorchSharp;

namespace TeEFusion.Core.Tests.Pipelines;

[Collection("Sequential")]
public sealed class StudentPipelineTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static GenerationRequest Request(long seed = 1, int steps = 3) =>
        new("a red cube on a table") { Seed = seed, Steps = steps, Guidance = 4.0, Width = 32, Height = 32 };

    [Fact]
    public void GeneratesAPngOfTheRequestedSizeWithItsParameters()
    {
        var request = Request() with { Width = 48, Height = 32, NegativePrompt = "blurry" };
        var image = Assert.Single(fixture.Student.Generate(request).Images);

        using (var decoded = Image.Load<Rgb24>(image.Png))
        {
            Assert.Equal(48, decoded.Width);
            Assert.Equal(32, decoded.Height);
        }
        var chunks = PngChunks.Texts(image.Png).ToDictionary(c => c.Keyword, c => c.Text);
        Assert.Equal("a red cube on a table", chunks["prompt"]);
        Assert.Equal("blurry", chunks["negative_prompt"]);
        Assert.Equal("1", chunks["seed"]);
        Assert.Equal("3", chunks["steps"]);
        Assert.Equal("4", chunks["guidance"]);
        Assert.Equal("student", chunks["sampler"]);
        Assert.Equal("48", chunks["width"]);
        Assert.Equal("32", chunks["height"]);
        Assert.Equal("tiny-teefusion", chunks["model_id"]);
        Assert.Equal(fixture.Student.Components.ConfigFingerprint, chunks["model_version"]);
        Assert.Equal(image.Provenance, ImageProvenance.FromJson(chunks[ImageProvenance.ParametersKeyword]));
    }

    [Fact]
    public void SameSeedGivesIdenticalBytesAndAnotherSeedDoesNot()
    {
        var first = fixture.Student.Generate(Request(seed: 7)).Images[0].Png;
        var again = fixture.Student.Generate(Request(seed: 7)).Images[0].Png;
        var other = fixture.Student.Generate(Request(seed: 8)).Images[0].Png;
        Assert.Equal(first, again);
        Assert.NotEqual(Pixels(first), Pixels(other));
    }

    [Fact]
    public void SpendsOnePassPerStepAndReportsEveryStep()
    {
        var reports = new List<SamplingProgress>();
        var result = fixture.Student.Generate(Request(steps: 4), reports.Add);
        Assert.Equal(4, result.Images[0].ModelPasses);
        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.Step));
        Assert.Equal([1, 2, 3, 4], reports.Select(r => r.ModelPasses[0]));
        Assert.All(reports, r => Assert.Equal(4, r.TotalSteps));
        Assert.True(result.Timings.DenoiseMs > 0 && result.Timings.DecodeMs > 0 && result.Timings.PngMs > 0);
    }

    [Fact]
    public void NegativePromptChangesTheImage()
    {
        // Pixels, not file bytes: the negative prompt is also in the PNG's text chunks.
        var plain = Pixels(fixture.Student.Generate(Request()).Images[0].Png);
        var negative = Pixels(fixture.Student.Generate(Request() with { NegativePrompt = "blurry, low quality" }).Images[0].Png);
        Assert.NotEqual(plain, negative);
    }

    [Fact]
    public void CancellationStopsBetweenSteps()
    {
        using var cancellation = new CancellationTokenSource();
        var steps = 0;
        Assert.Throws<OperationCanceledException>(() => fixture.Student.Generate(Request(steps: 5), _ =>
        {
            steps++;
            cancellation.Cancel();
        }, cancellation.Token));
        Assert.Equal(1, steps);
    }

    [Fact]
    public void AnOverlongPromptIsCutWithAWarning()
    {
        var prompt = string.Join(' ', Enumerable.Repeat("cube", 100));
        var result = fixture.Student.Generate(Request() with { Prompt = prompt, Steps = 1 });
        Assert.Contains(result.Warnings, w => w.StartsWith("prompt (CLIP-L)", StringComparison.Ordinal) && w.Contains("77 tokens"));
        Assert.DoesNotContain(fixture.Student.Generate(Request(steps: 1)).Warnings, w => w.Contains("truncated"));
    }

    [Fact]
    public void BatchedRequestsEqualTheSameRequestsAlone()
    {
        var a = Request(seed: 3) with { Guidance = 2.0 };
        var b = Request(seed: 4) with { Prompt = "a blue sphere", NegativePrompt = "dark" };
        var batch = fixture.Student.Generate([a, b]);
        var alone = new[] { fixture.Student.Generate(a), fixture.Student.Generate(b) };
        Assert.Equal([3, 3], batch.Images.Select(i => i.ModelPasses));
        // The batched transformer forward may round differently from a batch of one, so compare decoded pixels loosely.
        for (var i = 0; i < 2; i++) AssertSimilarPixels(alone[i].Images[0].Png, batch.Images[i].Png);
        Assert.Throws<ArgumentException>(() => fixture.Student.Generate([a, b with { Width = 48 }]));
    }

    [Fact]
    public void GenerateLeavesNoLiveTensors()
    {
        fixture.Student.Generate(Request(steps: 2) with { NegativePrompt = "leak check" });
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        fixture.Student.Generate(Request(steps: 2) with { NegativePrompt = "leak check" });
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void AFolderWithoutT5Works()
    {
        using var student = StudentPipeline.Load(fixture.RootWithoutT5);
        Assert.Null(student.Components.TextEncoder3);
        var result = student.Generate(Request(steps: 2));
        using var decoded = Image.Load<Rgb24>(result.Images[0].Png);
        Assert.Equal(32, decoded.Width);
        Assert.Equal(2, result.Images[0].ModelPasses);
    }

    [Fact]
    public void RefusesTeacherSamplers()
    {
        var error = Assert.Throws<ArgumentException>(() => fixture.Student.Generate(Request() with { Sampler = new SamplerSettings(SamplerKind.EulerCfg) }));
        Assert.Contains("TeacherPipeline", error.Message);
    }

    internal static byte[] Pixels(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        var pixels = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }

    internal static void AssertSimilarPixels(byte[] expectedPng, byte[] actualPng)
    {
        using var expected = Image.Load<Rgb24>(expectedPng);
        using var actual = Image.Load<Rgb24>(actualPng);
        Assert.Equal(expected.Size(), actual.Size());
        for (var y = 0; y < expected.Height; y++)
        {
            for (var x = 0; x < expected.Width; x++)
            {
                var (e, a) = (expected[x, y], actual[x, y]);
                Assert.True(Math.Abs(e.R - a.R) <= 1 && Math.Abs(e.G - a.G) <= 1 && Math.Abs(e.B - a.B) <= 1, $"pixel ({x}, {y}): {e} vs {a}");
            }
        }
    }
}
