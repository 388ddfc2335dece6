using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.Vae;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Edits;

/// <summary>
/// The edit algorithm around the transformer (strength → t_start, the posterior sample and noise drawn from one generator
/// per seed, scale_noise, the latent mask, the per-step blend) against make_edit_fixture.py's torch restatement of
/// diffusers' code, within 1e-5.
/// </summary>
[Collection("Sequential")]
public sealed class EditAlgorithmFixtureTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<int> Cases => new(Enumerable.Range(0, EditFixture.Instance.Cases.Count));

    [Theory]
    [MemberData(nameof(Cases))]
    public void EditLatentsEqualTheRestatedDiffusersAlgorithm(int index)
    {
        var f = EditFixture.Instance;
        var c = f.Cases[index];
        var (channels, height, width) = (f.Shape[0], f.Shape[1], f.Shape[2]);
        var (h, w) = (height / f.Factor, width / f.Factor);
        var n = c.Seeds.Length;
        using var scope = NewDisposeScope();
        var schedule = new FlowMatchEulerDiscreteScheduler(new FlowMatchEulerDiscreteSchedulerConfig { Shift = f.Shift }).GetSchedule(c.Steps);
        Assert.Equal(c.Sigmas, schedule.Sigmas);
        Assert.Equal(c.TStart, StrengthSchedule.StartIndex(c.Steps, c.Strength));

        using var posterior = new DiagonalGaussianDistribution(tensor(c.Moments, [1, 2 * channels, h, w]));
        var repaint = c.HasMask ? tensor(c.Repaint, [1, 1, height, width]) : null;
        using var edit = EditLatents.FromPosterior(posterior, repaint, f.ShiftFactor, f.ScalingFactor, c.Strength, c.Seeds, schedule, ScalarType.Float32);
        long[] shape = [n, channels, h, w];
        Assert.Equal(c.Steps - c.TStart, edit.Schedule.NumSteps);
        Assert.Equal(c.Sigmas[c.TStart..], edit.Schedule.Sigmas);
        Close(c.ImageLatents, edit.ImageLatents, "image latents");
        Close(c.Noise, edit.Noise, "noise");
        Close(c.Initial, edit.Initial(), "initial latents");
        if (c.LatentMask is { } mask) Close(mask, edit.Mask!, "latent mask");
        else Assert.Null(edit.Mask);
        for (var i = 0; i < edit.Schedule.NumSteps; i++)
            Close(c.Blended[i], edit.AfterStep(tensor(c.StepOutputs[i], shape), i), $"latents after step {i}");
    }

    [Fact]
    public void ImagePreprocessingEqualsTheImageProcessors()
    {
        var p = EditFixture.Instance.Pixels;
        using var image = Image.LoadPixelData<Rgb24>(p.Rgb.Select(v => (byte)v).ToArray(), 4, 4);
        using var png = new MemoryStream();
        image.SaveAsPng(png);
        var source = EditSource.Read(png.ToArray(), mask: null);
        using var scope = NewDisposeScope();
        Close(p.Pixels, source.Pixels(), "pixels");
    }

    private static void Close(float[] expected, Tensor actual, string what)
    {
        var values = actual.to(ScalarType.Float32).flatten().data<float>().ToArray();
        Assert.Equal(expected.Length, values.Length);
        var worst = expected.Zip(values, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= Tolerance, $"{what}: max |difference| {worst:G3} > {Tolerance}");
    }
}
