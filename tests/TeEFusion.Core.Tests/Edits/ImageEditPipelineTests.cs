using TeEFusion.Core.Imaging;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.Tests.Pipelines;
using TeEFusion.Tooling.Images;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Edits;

/// <summary>SD3Pipeline.Edit on a tiny random folder (32×32, VAE factor 2): what diffusers' img2img and inpainting promise.</summary>
[Collection("Sequential")]
public sealed class ImageEditPipelineTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static readonly byte[] Picture = EditPictures.Picture(1);

    private static ResolvedGenerationRequest Request(SD3Pipeline pipeline, SamplerKind kind, int steps = 4, long seed = 9) =>
        pipeline.Resolve(new GenerationRequest("a red cube") { Seed = seed, Steps = steps, Guidance = 3.0, Sampler = new SamplerSettings(kind) });

    private static ImageEdit Edit(byte[] image, double strength, byte[]? mask = null) => new(EditSource.Read(image, mask), strength);

    [Theory]
    [InlineData(SamplerKind.Student, 2)]
    [InlineData(SamplerKind.EulerCfg, 4)]
    [InlineData(SamplerKind.ZSampling, 8)]
    [InlineData(SamplerKind.W2sd, 8)]
    public void EverySamplerRunsTheStepsStrengthLeaves(SamplerKind kind, int passes)
    {
        SD3Pipeline pipeline = kind == SamplerKind.Student ? fixture.Student : fixture.Teacher;
        var reports = new List<SamplingProgress>();
        // 4 steps at strength 0.5: t_start 2, two steps run; a reflective sampler reflects on the first (6) but not the last (2).
        var result = pipeline.Edit([Request(pipeline, kind)], Edit(Picture, 0.5), reports.Add);
        Assert.Equal([1, 2], reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(2, r.TotalSteps));
        Assert.Equal(passes, result.Images[0].ModelPasses);
    }

    [Fact]
    public void StrengthOneStartsFromPureNoiseWhateverTheImage()
    {
        var teacher = fixture.Teacher;
        var a = teacher.Edit([Request(teacher, SamplerKind.EulerCfg)], Edit(Picture, 1.0));
        var b = teacher.Edit([Request(teacher, SamplerKind.EulerCfg)], Edit(EditPictures.Picture(2), 1.0));
        var lower = teacher.Edit([Request(teacher, SamplerKind.EulerCfg)], Edit(Picture, 0.75));
        Assert.Equal(StudentPipelineTests.Pixels(a.Images[0].Png), StudentPipelineTests.Pixels(b.Images[0].Png));
        Assert.NotEqual(StudentPipelineTests.Pixels(a.Images[0].Png), StudentPipelineTests.Pixels(lower.Images[0].Png));
        Assert.Equal(8, a.Images[0].ModelPasses);
    }

    [Fact]
    public void AnOpaqueMaskKeepsTheImageLatentsExactly()
    {
        var teacher = fixture.Teacher;
        var request = Request(teacher, SamplerKind.EulerCfg);
        var edit = Edit(Picture, 0.75, EditPictures.Mask((_, _) => false));
        var result = teacher.Edit([request], edit);
        // Nothing to repaint: the last blend puts z0 back, so the image is the VAE's decode of the image latents.
        using var scope = NewDisposeScope();
        var schedule = teacher.Components.Scheduler.GetSchedule(request.Steps);
        using var latents = EditLatents.Prepare(teacher.Components, edit.Source, edit.Strength, [request.Seed], schedule);
        var expected = ImageFileWriter.EncodeBatch(teacher.Decode(latents.ImageLatents), [teacher.Provenance(request)], ImageOutput.Png)[0];
        Assert.Equal(StudentPipelineTests.Pixels(expected), StudentPipelineTests.Pixels(result.Images[0].Png));
    }

    [Fact]
    public void AFullyTransparentMaskAtStrengthOneIsImageToImageAtStrengthOne()
    {
        var student = fixture.Student;
        var request = Request(student, SamplerKind.Student);
        var inpaint = student.Edit([request], Edit(Picture, 1.0, EditPictures.Mask((_, _) => true)));
        var img2img = student.Edit([request], Edit(Picture, 1.0));
        Assert.Equal(StudentPipelineTests.Pixels(img2img.Images[0].Png), StudentPipelineTests.Pixels(inpaint.Images[0].Png));
    }

    [Fact]
    public void InpaintingKeepsTheKnownHalfCloserToTheImageThanImageToImage()
    {
        var student = fixture.Student;
        var request = Request(student, SamplerKind.Student);
        var mask = EditPictures.Mask((x, _) => x >= 16);
        var inpaint = StudentPipelineTests.Pixels(student.Edit([request], Edit(Picture, 1.0, mask)).Images[0].Png);
        var img2img = StudentPipelineTests.Pixels(student.Edit([request], Edit(Picture, 1.0)).Images[0].Png);
        var known = StudentPipelineTests.Pixels(student.Edit([request], Edit(Picture, 1.0, EditPictures.Mask((_, _) => false))).Images[0].Png);
        // Left half (x < 16) is known: inpainting equals the all-known result there far more than image-to-image does.
        double LeftDistance(byte[] a) => Enumerable.Range(0, 32 * 32).Where(p => p % 32 < 16)
            .Sum(p => Enumerable.Range(0, 3).Sum(ch => Math.Abs(a[p * 3 + ch] - known[p * 3 + ch])));
        Assert.True(LeftDistance(inpaint) < LeftDistance(img2img) / 2, $"{LeftDistance(inpaint)} vs {LeftDistance(img2img)}");
        Assert.NotEqual(known, inpaint);
    }

    [Fact]
    public void ImageKOfABatchEqualsAOneImageEditWithSeedK()
    {
        var student = fixture.Student;
        var edit = Edit(Picture, 0.6, EditPictures.Mask((x, y) => x + y < 32));
        var batch = student.Edit([Request(student, SamplerKind.Student, seed: 3), Request(student, SamplerKind.Student, seed: 4)], edit);
        var alone = student.Edit([Request(student, SamplerKind.Student, seed: 4)], edit);
        Assert.Equal(StudentPipelineTests.Pixels(alone.Images[0].Png), StudentPipelineTests.Pixels(batch.Images[1].Png));
    }

    [Fact]
    public void BadMasksAndSizesNameTheirField()
    {
        var otherSize = Assert.Throws<ArgumentException>(() => EditSource.Read(Picture, EditPictures.Mask((_, _) => true, 16, 16)));
        Assert.Equal("mask", otherSize.ParamName);
        Assert.Contains("same size", otherSize.Message);
        var noAlpha = Assert.Throws<ArgumentException>(() => EditSource.Read(Picture, EditPictures.Picture(3)));
        Assert.Equal("mask", noAlpha.ParamName);
        var notImage = Assert.Throws<ArgumentException>(() => EditSource.Read("not an image"u8.ToArray(), null));
        Assert.Equal("image", notImage.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => StrengthSchedule.StartIndex(8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StrengthSchedule.StartIndex(8, 1.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => StrengthSchedule.StartIndex(8, 1e-17)); // 8 − 8e-17 rounds to 8: no step left
    }
}
