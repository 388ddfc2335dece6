using TeEFusion.Core.Pipelines;
using TeEFusion.Service.Jobs;

namespace TeEFusion.Service.Tests.Jobs;

/// <summary>Job specs for tests that build jobs without a pipeline to resolve them (the student sampler, as the service serves).</summary>
public static class TestSpecs
{
    public static JobSpec Of(string prompt, string negative, int n, long seed, int steps, double guidance, int width, int height) =>
        new(new ResolvedGenerationRequest(prompt, negative, seed, steps, guidance, width, height, new SamplerSettings(SamplerKind.Student)), n);
}
