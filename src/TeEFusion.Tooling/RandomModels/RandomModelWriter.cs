using System.Diagnostics;
using System.Text.Json.Nodes;
using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Vae;
using TorchSharp;
using static TorchSharp.torch;

namespace TeEFusion.Tooling.RandomModels;

/// <summary>
/// Writes a complete diffusers-format TeEFusion SD3 folder with random weights, laid out as <c>save_pretrained</c>
/// would: model_index.json, scheduler, transformer, vae, three text encoders and three tokenizers. The same seed,
/// preset and dtype give byte-identical files.
/// </summary>
public static class RandomModelWriter
{
    /// <summary>The pipeline class written into a student's model_index.json (the released TeEFusion checkpoint's).</summary>
    public const string PipelineClass = "TeEFusionSD3Pipeline";

    /// <summary>The pipeline class written into a plain SD3 folder's model_index.json (diffusers').</summary>
    public const string PlainPipelineClass = "StableDiffusion3Pipeline";

    private static readonly string[] OwnedEntries =
    [
        ModelFolder.IndexFileName, "scheduler", "transformer", "vae", "text_encoder", "text_encoder_2", "text_encoder_3",
        "tokenizer", "tokenizer_2", "tokenizer_3",
    ];

    private static readonly HashSet<string> T5TiedDuplicates = ["encoder.embed_tokens.weight"];

    /// <summary>Writes the folder for <paramref name="preset"/> into <paramref name="directory"/>.</summary>
    /// <param name="directory">Created if missing; must be empty unless <paramref name="overwrite"/>.</param>
    /// <param name="preset">The component shapes; see <see cref="RandomModelSpec"/>.</param>
    /// <param name="seed">Seeds torch's generator per component.</param>
    /// <param name="dtype">float32, bfloat16 or float16: the dtype of every stored weight.</param>
    /// <param name="includeT5">false writes `[null, null]` for text_encoder_3/tokenizer_3 and no T5 folders.</param>
    /// <param name="progress">Receives one line per step (component built, saved).</param>
    /// <param name="overwrite">Write into a non-empty directory, replacing only the entries this writer owns.</param>
    /// <param name="plain">Write the preset as a plain SD3 folder (txt_align_guidance off, the same weights): a guided teacher.</param>
    /// <exception cref="IOException">The directory is not empty and <paramref name="overwrite"/> is false.</exception>
    public static void Write(string directory, RandomModelPreset preset, long seed = 0, ScalarType dtype = ScalarType.Float32,
        bool includeT5 = true, IProgress<string>? progress = null, bool overwrite = false, bool plain = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"dtype {dtype} is not supported; expected float32, bfloat16 or float16.", nameof(dtype));
        PrepareDirectory(directory, overwrite);

        var spec = plain ? RandomModelSpec.For(preset).AsPlain() : RandomModelSpec.For(preset);
        var clock = Stopwatch.StartNew();
        void Report(string message) => progress?.Report($"[{clock.Elapsed.TotalSeconds,7:F1} s] {message}");

        WriteIndex(directory, includeT5, spec.IsStudent ? PipelineClass : PlainPipelineClass);
        PretrainedJson.WriteConfig(Path.Combine(directory, "scheduler", "scheduler_config.json"), spec.Scheduler);

        var vocabulary = spec.VocabularyWords is { } words ? ClipBpeVocabulary.FromWords(words) : ClipBpeVocabulary.Create(spec.ClipVocabSize);
        TokenizerFolders.WriteClip(Path.Combine(directory, "tokenizer"), vocabulary, padToken: ClipBpeVocabulary.EndToken, spec.ClipMaxLength);
        TokenizerFolders.WriteClip(Path.Combine(directory, "tokenizer_2"), vocabulary, padToken: "!", spec.ClipMaxLength);
        if (includeT5) TokenizerFolders.WriteT5(Path.Combine(directory, "tokenizer_3"));
        Report("index, scheduler and tokenizers written");

        var diffusers = new Dictionary<string, JsonNode?>();
        var clip = TransformersExtras("clip_text_model", dtype);
        var jobs = new List<ComponentJob>
        {
            new("transformer", spec.Transformer, diffusers, () => new SD3Transformer2DModel(spec.Transformer, CPU, dtype), Diffusers),
            // AutoencoderKL builds in float32 only; it is small enough to convert afterwards.
            new("vae", spec.Vae, diffusers, () => new AutoencoderKL(spec.Vae).to(dtype), Diffusers),
            new("text_encoder", spec.TextEncoder, clip, () => new CLIPTextModelWithProjection(spec.TextEncoder, CPU, dtype), Transformers),
            new("text_encoder_2", spec.TextEncoder2, clip, () => new CLIPTextModelWithProjection(spec.TextEncoder2, CPU, dtype), Transformers),
        };
        if (includeT5)
        {
            jobs.Add(new("text_encoder_3", spec.TextEncoder3, TransformersExtras("t5", dtype),
                () => new T5EncoderModel(spec.TextEncoder3, CPU, dtype), Transformers, T5TiedDuplicates));
        }
        // The slot is the component's fixed position, so its weights do not depend on which others are written.
        for (var slot = 0; slot < jobs.Count; slot++) WriteComponent(directory, jobs[slot], seed, slot, Report);
        Report($"done: {RandomModelPresets.Name(preset)} model in {Path.GetFullPath(directory)}");
    }

    private static readonly (string Stem, long MaxShardBytes) Diffusers = ("diffusion_pytorch_model", SafetensorsWriter.DiffusersMaxShardBytes);
    private static readonly (string Stem, long MaxShardBytes) Transformers = ("model", RandomWeights.TransformersMaxShardBytes);

    private sealed record ComponentJob(string Name, object Config, IReadOnlyDictionary<string, JsonNode?> ConfigExtras,
        Func<nn.Module> Build, (string Stem, long MaxShardBytes) Weights, IReadOnlySet<string>? Skip = null);

    // One component at a time: built, saved and disposed before the next, so peak memory is the largest component.
    private static void WriteComponent(string root, ComponentJob job, long seed, int slot, Action<string> report)
    {
        var folder = Path.Combine(root, job.Name);
        PretrainedJson.WriteConfig(Path.Combine(folder, "config.json"), job.Config, job.ConfigExtras);

        RandomWeights.Seed(seed, slot);
        using var noGrad = torch.no_grad();
        using var module = job.Build();
        RandomWeights.ResetNorms(module);
        report($"{job.Name}: built, {module.parameters().Sum(p => p.numel()):N0} parameters");
        var written = RandomWeights.Save(module, folder, job.Weights.Stem, job.Weights.MaxShardBytes, job.Skip);
        report($"{job.Name}: saved {Path.GetFileName(written)}");
    }

    // transformers' PretrainedConfig.to_json_file adds these to the fields; AutoConfig needs model_type.
    private static Dictionary<string, JsonNode?> TransformersExtras(string modelType, ScalarType dtype) => new()
    {
        ["model_type"] = modelType,
        ["torch_dtype"] = TorchDtypeName(dtype),
        ["transformers_version"] = RandomModelSpec.TransformersVersion,
    };

    private static string TorchDtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float16 => "float16",
        _ => "float32",
    };

    private static void WriteIndex(string directory, bool includeT5, string pipelineClass)
    {
        static JsonArray Entry(string? library, string? className) => new(library, className);
        PretrainedJson.Write(Path.Combine(directory, ModelFolder.IndexFileName), new JsonObject
        {
            ["_class_name"] = pipelineClass,
            ["_diffusers_version"] = RandomModelSpec.DiffusersVersion,
            ["scheduler"] = Entry("diffusers", "FlowMatchEulerDiscreteScheduler"),
            ["text_encoder"] = Entry("transformers", "CLIPTextModelWithProjection"),
            ["text_encoder_2"] = Entry("transformers", "CLIPTextModelWithProjection"),
            ["text_encoder_3"] = includeT5 ? Entry("transformers", "T5EncoderModel") : Entry(null, null),
            ["tokenizer"] = Entry("transformers", "CLIPTokenizer"),
            ["tokenizer_2"] = Entry("transformers", "CLIPTokenizer"),
            ["tokenizer_3"] = includeT5 ? Entry("transformers", "T5Tokenizer") : Entry(null, null),
            ["transformer"] = Entry("diffusers", SD3TransformerConfig.ClassName),
            ["vae"] = Entry("diffusers", "AutoencoderKL"),
        });
    }

    private static void PrepareDirectory(string directory, bool overwrite)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            if (!overwrite)
                throw new IOException($"output directory '{directory}' exists and is not empty; choose an empty directory or allow overwriting.");
            // Only what this writer would create goes, so a stale T5 folder cannot survive a --no-t5 rewrite.
            foreach (var entry in OwnedEntries.Select(e => Path.Combine(directory, e)))
            {
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else if (File.Exists(entry)) File.Delete(entry);
            }
        }
        Directory.CreateDirectory(directory);
    }
}
