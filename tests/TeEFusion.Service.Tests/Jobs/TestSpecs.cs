using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Tests.Jobs;

/// <summary>Job specs for tests that build jobs without a pipeline to resolve them (the student sampler unless told).</summary>
public static class TestSpecs
{
    /// <summary>The model id the specs name unless told.</summary>
    public const string StudentModel = "tiny";

    public static JobSpec Of(string prompt, string negative, int n, long seed, int steps, double guidance, int width, int height,
        SamplerSettings? sampler = null, string model = StudentModel) =>
        new(new ResolvedGenerationRequest(prompt, negative, seed, steps, guidance, width, height, sampler ?? new SamplerSettings(SamplerKind.Student)),
            n, model);
}
