using TeEFusion.Core.Distillation;
using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Pipelines;
using TeEFusion.Core.Runtime;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Tokenizers;
using TeEFusion.Tooling.RandomModels;
using TeEFusion.Tooling.Shapes;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TeEFusion.Core.Tests.Pipelines;

/// <summary>
/// Two model folders through this project's components against what the REAL diffusers and transformers classes
/// (SD3Transformer2DModel, AutoencoderKL, CLIPTokenizer, CLIPTextModelWithProjection, T5 tokenizer and T5EncoderModel)
/// returned for the same folders and inputs (Fixtures/Diffusers/make_reference.py, float32 on a CPU). The folders are
/// the bundled teacher (no T5) and the random tiny preset with T5. Agreement must be within 1e-5 of each output's
/// magnitude. diffusers has no TeEFusion term, so the student's fused guidance is not covered here; the MMDiT fixtures
/// cover it.
/// </summary>
[Collection("Sequential")]
public sealed class DiffusersReferenceTests(DiffusersReferenceTests.Folders folders, ITestOutputHelper output)
    : IClassFixture<DiffusersReferenceTests.Folders>
{
    private const double Tolerance = 1e-5;

    private static readonly string[] Prompts = ["a small red circle at the top left on a blue background", ""];

    [Theory]
    [MemberData(nameof(FolderNames))]
    public void The_tokenizers_give_the_ids_the_transformers_tokenizers_give(string name)
    {
        With(name, (model, reference) =>
        {
            Assert.Equal(Ids(reference.Read("input_ids")), Prompts.Select(p => model.Tokenizer.Encode(p).ToInt64()));
            Assert.Equal(Ids(reference.Read("input_ids_2")), Prompts.Select(p => model.Tokenizer2.Encode(p).ToInt64()));
            if (model.Tokenizer3 is { } t5)
                Assert.Equal(Ids(reference.Read("input_ids_3")), Prompts.Select(p => t5.Encode(p).ToInt64()));
            else
                Assert.False(reference.Tensors.ContainsKey("input_ids_3"));
        });
    }

    [Theory]
    [MemberData(nameof(FolderNames))]
    public void Prompt_embeddings_match_the_diffusers_pipeline(string name)
    {
        With(name, (model, reference) =>
        {
            var t5 = reference.Tensors.ContainsKey("input_ids_3") ? reference.Read("input_ids_3") : null;
            var embeds = model.PromptEncoder.Encode(new SD3PromptTokens(reference.Read("input_ids"), reference.Read("input_ids_2"), t5));
            AssertClose(embeds.PromptEmbeds, reference.Read("prompt_embeds"), $"{name} prompt_embeds");
            AssertClose(embeds.PooledPromptEmbeds, reference.Read("pooled_prompt_embeds"), $"{name} pooled_prompt_embeds");
        });
    }

    [Theory]
    [MemberData(nameof(FolderNames))]
    public void The_transformer_matches_SD3Transformer2DModel(string name)
    {
        With(name, (model, reference) =>
        {
            var velocity = model.Transformer.call(new SD3TransformerInput(
                reference.Read("latents"), reference.Read("prompt_embeds"), reference.Read("pooled_prompt_embeds"), reference.Read("timestep")));
            AssertClose(velocity, reference.Read("transformer_out"), $"{name} transformer");
        });
    }

    [Theory]
    [MemberData(nameof(FolderNames))]
    public void The_vae_matches_AutoencoderKL_both_ways(string name)
    {
        With(name, (model, reference) =>
        {
            AssertClose(model.Vae.DecodeRaw(reference.Read("vae_z")), reference.Read("vae_decoded"), $"{name} vae.decode");
            using var posterior = model.Vae.EncodeRaw(reference.Read("vae_image"));
            AssertClose(posterior.Mean, reference.Read("vae_mean"), $"{name} vae.encode mean");
            AssertClose(posterior.LogVar, reference.Read("vae_logvar"), $"{name} vae.encode logvar");
        });
    }

    public static TheoryData<string> FolderNames { get; } = ["bundled_teacher", "tiny_random"];

    /// <summary>Runs <paramref name="check"/> on the folder's components and its reference file, under no_grad in a dispose scope.</summary>
    private void With(string name, Action<SD3Components, SafetensorsFile> check)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var model = folders.Load(name);
        using var reference = Reference(name);
        check(model, reference);
    }

    private static SafetensorsFile Reference(string name) =>
        SafetensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Diffusers", name + "_reference.safetensors"));

    private static IEnumerable<long[]> Ids(Tensor ids) =>
        Enumerable.Range(0, (int)ids.shape[0]).Select(i => ids[i].data<long>().ToArray());

    private void AssertClose(Tensor actual, Tensor expected, string what) => ReferenceAssert.Close(output, actual, expected, Tolerance, what);

    /// <summary>
    /// The folders the references were made from: the bundled teacher, and the tiny preset written with seed 0 in
    /// float32 with T5 (what `teefusion make-random-model --preset tiny --seed 0` writes).
    /// </summary>
    public sealed class Folders : IDisposable
    {
        private readonly string _tiny = Path.Combine(Path.GetTempPath(), "teefusion-diffusers-reference-" + Guid.NewGuid().ToString("N"));

        public Folders() => RandomModelWriter.Write(_tiny, RandomModelPreset.Tiny, seed: 0, ScalarType.Float32, includeT5: true);

        public SD3Components Load(string name) => name switch
        {
            "bundled_teacher" => SD3Components.Load(Path.Combine(BundledModel.Locate(), StudentModelFolder.TeacherFolder), ComputeOptions.Cpu32,
                txtAlignGuidance: false, ShapeVocabulary.MaxTokens),
            "tiny_random" => SD3Components.Load(_tiny, ComputeOptions.Cpu32, txtAlignGuidance: false, T5Tokenizer.DefaultMaxLength),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such reference folder."),
        };

        public void Dispose()
        {
            if (Directory.Exists(_tiny)) Directory.Delete(_tiny, recursive: true);
        }
    }
}
