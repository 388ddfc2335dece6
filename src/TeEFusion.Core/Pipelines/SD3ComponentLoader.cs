// Mirrors what diffusers' DiffusionPipeline.from_pretrained does for StableDiffusion3Pipeline (and AIDC-AI/TeEFusion's
// TeEFusionSD3Pipeline): read model_index.json, then each component from its sub-folder. Unlike diffusers it loads
// strictly and cross-checks the components before any weight is read.
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Runtime;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Tokenizers;
using TeEFusion.Core.Vae;
using static TorchSharp.torch;

namespace TeEFusion.Core.Pipelines;

internal static class SD3ComponentLoader
{
    private const string ModelConfig = "config.json";
    private const string SchedulerConfig = "scheduler_config.json";

    private static readonly string[] PipelineClasses = ["StableDiffusion3Pipeline", "TeEFusionSD3Pipeline"];

    // Component → accepted model_index.json classes; fast tokenizers are accepted because diffusers saves the slow
    // tokenizers' files (vocab.json/merges.txt, spiece.model) beside tokenizer.json.
    private static readonly (string Name, string[] Classes, bool Optional)[] Expected =
    [
        ("transformer", [SD3TransformerConfig.ClassName], false),
        ("vae", ["AutoencoderKL"], false),
        ("scheduler", ["FlowMatchEulerDiscreteScheduler"], false),
        ("text_encoder", ["CLIPTextModelWithProjection"], false),
        ("text_encoder_2", ["CLIPTextModelWithProjection"], false),
        ("text_encoder_3", ["T5EncoderModel"], true),
        ("tokenizer", ["CLIPTokenizer", "CLIPTokenizerFast"], false),
        ("tokenizer_2", ["CLIPTokenizer", "CLIPTokenizerFast"], false),
        ("tokenizer_3", ["T5Tokenizer", "T5TokenizerFast"], true),
    ];

    // Modules built while the caller has a dispose scope open would register their parameters in it, and lose
    // them when it ends. Scopes are thread-local, so the components are built on a thread of their own.
    public static SD3Components Load(string root, ComputeOptions compute, bool txtAlignGuidance, int maxSequenceLength,
        SD3ComponentPool? pool)
    {
        SD3Components? components = null;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                components = LoadOutsideScopes(root, compute, txtAlignGuidance, maxSequenceLength, pool);
            }
            catch (Exception error)
            {
                failure = ExceptionDispatchInfo.Capture(error);
            }
        }) { Name = "teefusion-load" };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return components!;
    }

    private static SD3Components LoadOutsideScopes(string root, ComputeOptions compute, bool txtAlignGuidance, int maxSequenceLength,
        SD3ComponentPool? pool)
    {
        var folder = ModelFolder.Open(root);
        CheckIndex(folder);
        var hasT5 = folder.Components.ContainsKey("text_encoder_3");

        var transformerConfigPath = folder.RequireFile("transformer", ModelConfig);
        var folderConfig = SD3TransformerConfig.Load(transformerConfigPath);
        if (folderConfig.Guidance)
            throw new ModelFormatException(transformerConfigPath,
                "guidance = true selects the reference code's DistillCFG variant (guidance_in), which these pipelines do not run.", "guidance");
        var transformerConfig = WithTxtAlignGuidance(folderConfig, txtAlignGuidance);
        var vaeConfig = AutoencoderKLConfig.Load(folder.RequireFile("vae", ModelConfig));
        var clipL = CLIPTextConfig.Load(folder.RequireFile("text_encoder", ModelConfig));
        var clipG = CLIPTextConfig.Load(folder.RequireFile("text_encoder_2", ModelConfig));
        var t5 = hasT5 ? T5Config.Load(folder.RequireFile("text_encoder_3", ModelConfig)) : null;
        var schedulerConfig = FlowMatchEulerDiscreteSchedulerConfig.Load(folder.RequireFile("scheduler", SchedulerConfig));
        if (schedulerConfig.UseDynamicShifting)
            throw new ModelFormatException(folder.RequireFile("scheduler", SchedulerConfig),
                "use_dynamic_shifting is true; the SD3 pipelines use a fixed shift.", "use_dynamic_shifting");
        CheckWidths(folder, transformerConfig, vaeConfig, clipL, clipG, t5);

        // Parts from the pool were loaded from files with the same bytes as this folder's, so the same strict load of
        // this folder would give the same modules; the checks on the configs and tokenizers run on this folder's own.
        var parts = new SD3ComponentParts(folder, pool);
        try
        {
            var tokenizer = parts.Tokenizer("tokenizer", null, () => ClipTokenizer.FromFolder(folder.RequireComponent("tokenizer")));
            var tokenizer2 = parts.Tokenizer("tokenizer_2", null, () => ClipTokenizer.FromFolder(folder.RequireComponent("tokenizer_2")));
            var tokenizer3 = hasT5
                ? parts.Tokenizer("tokenizer_3", maxSequenceLength,
                    () => T5Tokenizer.FromFolder(folder.RequireComponent("tokenizer_3"), maxSequenceLength))
                : null;
            CheckTokenizers(folder, tokenizer, tokenizer2, clipL, clipG);

            var fingerprint = Fingerprint(folder);
            var (device, dtype) = (compute.Device, compute.DType);
            var textEncoder = parts.Shared("text_encoder", compute,
                () => Loaded(new CLIPTextModelWithProjection(clipL, device, dtype), folder, "text_encoder"));
            var textEncoder2 = parts.Shared("text_encoder_2", compute,
                () => Loaded(new CLIPTextModelWithProjection(clipG, device, dtype), folder, "text_encoder_2"));
            var textEncoder3 = t5 is null ? null : parts.Shared("text_encoder_3", compute,
                () => Loaded(new T5EncoderModel(t5, device, dtype), folder, "text_encoder_3", T5EncoderModel.TiedGroups));
            var transformer = parts.Owned("transformer",
                () => Loaded(new SD3Transformer2DModel(transformerConfig, device, dtype), folder, "transformer"));
            // The VAE is built in float32 on the CPU and moved after loading, to float32 again when force_upcast asks.
            var vae = parts.Shared("vae", compute with { DType = vaeConfig.ComputeDType(dtype) },
                () => Loaded(new AutoencoderKL(vaeConfig), folder, "vae", then: loaded => loaded.MoveTo(compute)));
            return new SD3Components(folder, compute, folderConfig.TxtAlignGuidance, fingerprint, parts, tokenizer, tokenizer2, tokenizer3,
                textEncoder, textEncoder2, textEncoder3, transformer, vae, new FlowMatchEulerDiscreteScheduler(schedulerConfig));
        }
        catch
        {
            parts.Dispose();
            throw;
        }
    }

    private static void CheckIndex(ModelFolder folder)
    {
        var index = Path.Combine(folder.Root, ModelFolder.IndexFileName);
        if (!PipelineClasses.Contains(folder.PipelineClass))
            throw new ModelFormatException(index,
                $"_class_name is '{folder.PipelineClass}'; expected one of {string.Join(", ", PipelineClasses)}.", "_class_name");
        foreach (var (name, classes, optional) in Expected)
        {
            if (!folder.Components.TryGetValue(name, out var entry))
            {
                if (optional) continue;
                throw new ModelFormatException(index, $"the pipeline has no '{name}' component; an SD3 folder needs it.", name);
            }
            if (!classes.Contains(entry.ClassName))
                throw new ModelFormatException(index,
                    $"component '{name}' is a {entry.ClassName}; expected {string.Join(" or ", classes)}.", name);
        }
        if (folder.Components.ContainsKey("text_encoder_3") != folder.Components.ContainsKey("tokenizer_3"))
            throw new ModelFormatException(index, "text_encoder_3 and tokenizer_3 must be both present or both null.", "tokenizer_3");
    }

    // The flag adds no parameters, so the same weights serve the student (on) and the teacher (off).
    private static SD3TransformerConfig WithTxtAlignGuidance(SD3TransformerConfig config, bool value)
    {
        var node = JsonSerializer.SerializeToNode(config)!.AsObject();
        node["txt_align_guidance"] = value;
        return node.Deserialize<SD3TransformerConfig>()!;
    }

    private static void CheckWidths(ModelFolder folder, SD3TransformerConfig transformer, AutoencoderKLConfig vae,
        CLIPTextConfig clipL, CLIPTextConfig clipG, T5Config? t5)
    {
        var clipLPath = folder.RequireFile("text_encoder", ModelConfig);
        if (clipL.HiddenSize + clipG.HiddenSize > transformer.JointAttentionDim)
            throw new ModelFormatException(clipLPath,
                $"hidden_size {clipL.HiddenSize} + text_encoder_2/config.json hidden_size {clipG.HiddenSize} exceed "
                + $"transformer/config.json joint_attention_dim {transformer.JointAttentionDim}.", "hidden_size");
        if (clipL.ProjectionDim + clipG.ProjectionDim != transformer.PooledProjectionDim)
            throw new ModelFormatException(clipLPath,
                $"projection_dim {clipL.ProjectionDim} + text_encoder_2/config.json projection_dim {clipG.ProjectionDim} does not equal "
                + $"transformer/config.json pooled_projection_dim {transformer.PooledProjectionDim}.", "projection_dim");
        if (t5 is not null && t5.DModel != transformer.JointAttentionDim)
            throw new ModelFormatException(folder.RequireFile("text_encoder_3", ModelConfig),
                $"d_model {t5.DModel} does not equal transformer/config.json joint_attention_dim {transformer.JointAttentionDim}.", "d_model");
        var vaePath = folder.RequireFile("vae", ModelConfig);
        if (vae.LatentChannels != transformer.InChannels || vae.LatentChannels != transformer.ResolvedOutChannels)
            throw new ModelFormatException(vaePath,
                $"latent_channels {vae.LatentChannels} does not match transformer/config.json in_channels {transformer.InChannels} "
                + $"and out_channels {transformer.ResolvedOutChannels}.", "latent_channels");
    }

    private static void CheckTokenizers(ModelFolder folder, ClipTokenizer l, ClipTokenizer g, CLIPTextConfig clipL, CLIPTextConfig clipG)
    {
        // The two CLIP sequences are concatenated feature-wise, so they must have the same length.
        if (l.MaxLength != g.MaxLength)
            throw new ModelFormatException(folder.RequireComponent("tokenizer_2"),
                $"model_max_length {g.MaxLength} differs from tokenizer's {l.MaxLength}; SD3 joins the two CLIP sequences token by token.");
        foreach (var (name, tokenizer, config) in new[] { ("text_encoder", l, clipL), ("text_encoder_2", g, clipG) })
        {
            if (tokenizer.MaxLength > config.MaxPositionEmbeddings)
                throw new ModelFormatException(folder.RequireFile(name, ModelConfig),
                    $"max_position_embeddings {config.MaxPositionEmbeddings} is shorter than the tokenizer's {tokenizer.MaxLength} tokens.",
                    "max_position_embeddings");
        }
    }

    // The module is disposed when its load (or then, e.g. the move to the device) fails: nothing else holds it yet.
    private static T Loaded<T>(T module, ModelFolder folder, string component, IReadOnlyList<IReadOnlyList<string>>? tiedGroups = null,
        Action<T>? then = null) where T : nn.Module
    {
        try
        {
            StateDictLoader.Load(module, folder.RequireComponent(component),
                new StateDictLoadOptions { ConvertDType = true, TiedGroups = tiedGroups ?? [] });
            module.eval();
            then?.Invoke(module);
            return module;
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private static string Fingerprint(ModelFolder folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(File.ReadAllBytes(Path.Combine(folder.Root, ModelFolder.IndexFileName)));
        foreach (var name in folder.Components.Keys)
        {
            var configName = name == "scheduler" ? SchedulerConfig : ModelConfig;
            var path = Path.Combine(folder.Root, name, configName);
            if (File.Exists(path)) sha.AppendData(File.ReadAllBytes(path));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }
}
