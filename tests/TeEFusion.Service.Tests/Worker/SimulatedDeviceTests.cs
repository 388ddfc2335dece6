using System.Diagnostics;
using System.Globalization;
using TeEFusion.Core.Sampling;
using TeEFusion.Service.Options;
using TeEFusion.Service.Tests.Endpoints;
using TeEFusion.Service.Tests.Fixtures;
using TeEFusion.Service.Worker;
using static TorchSharp.torch;

namespace TeEFusion.Service.Tests.Worker;

/// <summary>The benchmarks' <see cref="SimulatedDevice"/>: it sleeps a GPU's step time and hands out one fixed image,
/// through the real worker, job store and endpoints. (Its refusal without Bench:SimulatedDevice:Enabled is in
/// OptionsValidationTests.)</summary>
[Collection("Sequential")]
public sealed class SimulatedDeviceTests(TinyModelFolder model) : IClassFixture<TinyModelFolder>
{
    private static readonly SimulatedDeviceOptions Options = new()
    {
        Enabled = true, StepMillisecondsFixed = 30, StepMillisecondsPerRow = 10, ImageBytes = 20_000,
    };

    [Fact]
    public void A_step_lasts_at_least_a_plus_b_per_row_and_returns_zero_latents_one_pass_per_row()
    {
        using var device = new SimulatedDevice(Options);
        using var scope = NewDisposeScope();
        var latents = randn(3, 4, 2, 2);                                                      // (B, C, h, w)
        var prompt = new PromptEmbeddings(zeros(3, 5, 8), zeros(3, 6));
        var input = new SamplerStepInput(latents, [1f, 1f, 1f], [0.5f, 0.5f, 0.5f], [0, 0, 0], new SamplingConditioning(prompt, prompt, [5, 5, 5]));

        var clock = Stopwatch.StartNew();
        var result = device.Step(input);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(30 + 10 * 3), $"the step took {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(latents.shape, result.Latents.shape);
        Assert.Equal(0f, result.Latents.abs().max().item<float>());
        Assert.Equal([1, 1, 1], result.ModelPasses);
    }

    [Fact]
    public async Task Jobs_run_through_the_real_service_get_the_fixed_image_after_their_steps_simulated_time()
    {
        await using var factory = ServiceFactory.For(model, ("Compute:Device", "simulated"), ("Bench:SimulatedDevice:Enabled", "true"),
            ("Bench:SimulatedDevice:StepMillisecondsFixed", "30"), ("Bench:SimulatedDevice:StepMillisecondsPerRow", "10"),
            ("Bench:SimulatedDevice:ImageBytes", Options.ImageBytes.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(Models.ModelHostState.Ready, await factory.WaitForModelAsync());
        var client = factory.CreateClient();

        var images = new List<byte[]>();
        foreach (var seed in new[] { 1, 2 })
        {
            var id = (await JobApi.CreateJobAsync(client, JobApi.Body(seed: seed, steps: 4))).GetProperty("id").GetString()!;
            var done = await JobApi.WaitForStateAsync(client, id, "succeeded");
            var ran = done.GetProperty("finished_at").GetDateTimeOffset() - done.GetProperty("started_at").GetDateTimeOffset();
            Assert.True(ran >= TimeSpan.FromMilliseconds(4 * (30 + 10)), $"4 simulated steps took {ran.TotalMilliseconds} ms");
            images.Add(await client.GetByteArrayAsync(done.GetProperty("images")[0].GetString()!));
        }

        using var device = new SimulatedDevice(Options);
        Assert.Equal(device.Files(1)[0], images[0]);
        Assert.Equal(images[0], images[1]);
        Assert.InRange(images[0].Length, Options.ImageBytes * 0.9, Options.ImageBytes * 1.1);
    }
}
