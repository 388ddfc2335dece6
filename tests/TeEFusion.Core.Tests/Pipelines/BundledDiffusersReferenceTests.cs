using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Core.Shapes;
using TeEFusion.Core.TextEncoders;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Pipelines;

/// <summary>
/// The bundled teacher folder through this project's components against what the REAL diffusers and transformers
/// classes (SD3Transformer2DModel, AutoencoderKL, CLIPTokenizer, CLIPTextModelWithProjection) returned for the same
/// folder and inputs (Fixtures/Diffusers/make_bundled_reference.py, float32 on a CPU). Agreement must be within 1e-5 of
/// each output's magnitude. diffusers has no TeEFusion term, so the student's fused guidance is not covered here; the
/// MMDiT fixtures cover it.
/// </summary>
[Collection("Sequential")]
public sealed class BundledDiffusersReferenceTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-5;

    private static readonly string[] Prompts = ["a small red circle at the top left on a blue background", ""];

    private readonly SD3Components _teacher = SD3Components.Load(
        Path.Combine(BundledModel.Locate(), StudentModelFolder.TeacherFolder), ComputeOptions.Cpu32, txtAlignGuidance: false, ShapeVocabulary.MaxTokens);

    private readonly SafetensorsFile _reference = SafetensorsFile.Open(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "Diffusers", "bundled_teacher_reference.safetensors"));

    public void Dispose()
    {
        _reference.Dispose();
        _teacher.Dispose();
    }

    [Fact]
    public void Both_tokenizers_give_the_ids_CLIPTokenizer_gives()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(Ids(_reference.Read("input_ids")), Prompts.Select(p => _teacher.Tokenizer.Encode(p).ToInt64()));
        Assert.Equal(Ids(_reference.Read("input_ids_2")), Prompts.Select(p => _teacher.Tokenizer2.Encode(p).ToInt64()));
    }

    [Fact]
    public void Prompt_embeddings_match_the_diffusers_pipeline_without_T5()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var embeds = _teacher.PromptEncoder.Encode(new SD3PromptTokens(_reference.Read("input_ids"), _reference.Read("input_ids_2"), null));
        AssertClose(embeds.PromptEmbeds, _reference.Read("prompt_embeds"), "prompt_embeds");
        AssertClose(embeds.PooledPromptEmbeds, _reference.Read("pooled_prompt_embeds"), "pooled_prompt_embeds");
    }

    [Fact]
    public void The_transformer_matches_SD3Transformer2DModel()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var velocity = _teacher.Transformer.call(new SD3TransformerInput(
            _reference.Read("latents"), _reference.Read("prompt_embeds"), _reference.Read("pooled_prompt_embeds"), _reference.Read("timestep")));
        AssertClose(velocity, _reference.Read("transformer_out"), "transformer");
    }

    [Fact]
    public void The_vae_matches_AutoencoderKL_both_ways()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        AssertClose(_teacher.Vae.DecodeRaw(_reference.Read("vae_z")), _reference.Read("vae_decoded"), "vae.decode");
        using var posterior = _teacher.Vae.EncodeRaw(_reference.Read("vae_image"));
        AssertClose(posterior.Mean, _reference.Read("vae_mean"), "vae.encode mean");
        AssertClose(posterior.LogVar, _reference.Read("vae_logvar"), "vae.encode logvar");
    }

    private static IEnumerable<long[]> Ids(Tensor ids) =>
        Enumerable.Range(0, (int)ids.shape[0]).Select(i => ids[i].data<long>().ToArray());

    private void AssertClose(Tensor actual, Tensor expected, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        var abs = (actual - expected).abs().max().item<float>();
        var rel = abs / (double)expected.abs().max().item<float>();
        output.WriteLine($"{what}: max abs error {abs:E2}, relative to max |expected| {rel:E2}");
        Assert.True(rel <= Tolerance, $"{what}: relative error {rel:E2} > {Tolerance:E0}");
    }
}
