using TeEFusion.Core.IO;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.Tests.Imaging;

namespace TeEFusion.Core.Tests.Pipelines;

[Collection("Sequential")]
public sealed class TeacherPipelineTests(TinyModelFixture fixture) : IClassFixture<TinyModelFixture>
{
    private static GenerationRequest Request(SamplerKind kind, int steps = 3) =>
        new("a red cube on a table") { Seed = 5, Steps = steps, Guidance = 6.0, Sampler = new SamplerSettings(kind) };

    [Fact]
    public void EulerCfgSpendsTwoPassesPerStep()
    {
        var reports = new List<SamplingProgress>();
        var result = fixture.Teacher.Generate(Request(SamplerKind.EulerCfg), reports.Add);
        Assert.Equal(6, result.Images[0].ModelPasses);
        Assert.Equal([2, 4, 6], reports.Select(r => r.ModelPasses[0]));
        Assert.Equal("euler-cfg", PngChunks.Texts(result.Images[0].Png).Single(c => c.Keyword == "sampler").Text);
    }

    [Theory]
    [InlineData(SamplerKind.ZSampling, "z-sampling")]
    [InlineData(SamplerKind.W2sd, "w2sd")]
    public void ReflectiveTeachersSpendSixPassesOnReflectedSteps(SamplerKind kind, string name)
    {
        var reports = new List<SamplingProgress>();
        var result = fixture.Teacher.Generate(Request(kind), reports.Add);
        // Every step but the last reflects: 6 passes each, then a plain CFG step of 2.
        var perStep = reports.Select((r, i) => r.ModelPasses[0] - (i == 0 ? 0 : reports[i - 1].ModelPasses[0]));
        Assert.Equal([6, 6, 2], perStep);
        Assert.Equal(14, result.Images[0].ModelPasses);
        Assert.Equal(name, PngChunks.Texts(result.Images[0].Png).Single(c => c.Keyword == "sampler").Text);
    }

    [Fact]
    public void ZSamplingParametersReachTheSampler()
    {
        var settings = new SamplerSettings(SamplerKind.ZSampling) { LambdaStep = 1, Rounds = 2 };
        var result = fixture.Teacher.Generate(Request(SamplerKind.ZSampling) with { Sampler = settings });
        // Step 0 reflects twice (2 + 2·4), steps 1 and 2 are plain CFG steps.
        Assert.Equal(10 + 2 + 2, result.Images[0].ModelPasses);
    }

    [Fact]
    public void NegativePromptReplacesTheUnconditionalBranch()
    {
        var plain = StudentPipelineTests.Pixels(fixture.Teacher.Generate(Request(SamplerKind.EulerCfg)).Images[0].Png);
        var negative = StudentPipelineTests.Pixels(fixture.Teacher.Generate(Request(SamplerKind.EulerCfg) with { NegativePrompt = "blurry" }).Images[0].Png);
        Assert.NotEqual(plain, negative);
    }

    [Fact]
    public void TeacherAndStudentDifferOnTheSameWeights()
    {
        var teacher = StudentPipelineTests.Pixels(fixture.Teacher.Generate(Request(SamplerKind.EulerCfg)).Images[0].Png);
        var student = StudentPipelineTests.Pixels(fixture.Student.Generate(Request(SamplerKind.Student)).Images[0].Png);
        Assert.NotEqual(teacher, student);
        Assert.True(fixture.Teacher.Components.FolderTxtAlignGuidance);
        Assert.False(fixture.Teacher.Components.Transformer.Config.TxtAlignGuidance);
        Assert.True(fixture.Student.Components.Transformer.Config.TxtAlignGuidance);
        Assert.Contains(fixture.Teacher.Generate(Request(SamplerKind.EulerCfg, steps: 1)).Warnings, w => w.Contains("txt_align_guidance = true"));
    }

    [Fact]
    public void RefusesTheStudentSampler()
    {
        Assert.Throws<ArgumentException>(() => fixture.Teacher.Generate(Request(SamplerKind.Student)));
    }

    [Fact]
    public void DefaultsComeFromTheFolderAndThePipeline()
    {
        var student = fixture.Student.Resolve(new GenerationRequest("x"));
        var teacher = fixture.Teacher.Resolve(new GenerationRequest("x"));
        // Tiny preset: transformer sample_size 16 × VAE factor 2.
        Assert.Equal((32, 32), (student.Width, student.Height));
        Assert.Equal(64, fixture.Student.MaxImageSize); // pos_embed_max_size 16 × patch 2 × VAE factor 2
        Assert.Equal(SD3Pipeline.DefaultSteps, student.Steps);
        Assert.Equal(StudentPipeline.StudentDefaultGuidance, student.Guidance);
        Assert.Equal(TeacherPipeline.TeacherDefaultGuidance, teacher.Guidance);
        Assert.Equal(SamplerKind.Student, student.Sampler!.Kind);
        Assert.Equal(SamplerKind.EulerCfg, teacher.Sampler!.Kind);
        Assert.InRange(student.Seed, 0, long.MaxValue);
    }
    [Fact]
    public void AFolderDefaultGuidanceIsWhatBothPipelinesResolveTo()
    {
        var folder = fixture.Copy();
        ModelFolder.WriteDefaultGuidance(folder, 2.5);
        using var student = StudentPipeline.Load(folder);
        using var teacher = TeacherPipeline.Load(folder);
        Assert.Equal(2.5, student.Resolve(new GenerationRequest("x")).Guidance);
        Assert.Equal(2.5, teacher.Resolve(new GenerationRequest("x")).Guidance);
        Assert.Equal(4.0, student.Resolve(new GenerationRequest("x") { Guidance = 4.0 }).Guidance);
    }
}
