using TeEFusion.Core.IO;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Runtime;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Tokenizers;
using TeEFusion.Core.Vae;

namespace TeEFusion.Core.Pipelines;

/// <summary>
/// Everything an SD3 / TeEFusion diffusers folder holds, loaded strictly on one device: the three tokenizers, the
/// CLIP-L, bigG and optional T5 encoders, the transformer, the VAE and the scheduler. Load with
/// <see cref="Load"/>; dispose to free the weights. Loaded with an <see cref="SD3ComponentPool"/>, the tokenizers,
/// encoders and VAE may be the very objects another model holds: disposing then releases this model's hold on them.
/// </summary>
public sealed class SD3Components : IDisposable
{
    private readonly SD3ComponentParts _parts;

    internal SD3Components(ModelFolder folder, ComputeOptions compute, bool folderTxtAlignGuidance, string configFingerprint,
        SD3ComponentParts parts, ClipTokenizer tokenizer, ClipTokenizer tokenizer2, T5Tokenizer? tokenizer3,
        CLIPTextModelWithProjection textEncoder, CLIPTextModelWithProjection textEncoder2, T5EncoderModel? textEncoder3,
        SD3Transformer2DModel transformer, AutoencoderKL vae, FlowMatchEulerDiscreteScheduler scheduler)
    {
        Folder = folder;
        Compute = compute;
        FolderTxtAlignGuidance = folderTxtAlignGuidance;
        ConfigFingerprint = configFingerprint;
        _parts = parts;
        Tokenizer = tokenizer;
        Tokenizer2 = tokenizer2;
        Tokenizer3 = tokenizer3;
        TextEncoder = textEncoder;
        TextEncoder2 = textEncoder2;
        TextEncoder3 = textEncoder3;
        Transformer = transformer;
        Vae = vae;
        Scheduler = scheduler;
        PromptEncoder = new SD3PromptEncoder(textEncoder, textEncoder2, textEncoder3,
            transformer.Config.JointAttentionDim, transformer.Config.PooledProjectionDim);
    }

    public ModelFolder Folder { get; }

    /// <summary>Device and dtype of the encoders and the transformer.</summary>
    public ComputeOptions Compute { get; }

    /// <summary>
    /// The folder's own <c>txt_align_guidance</c>: true for a TeEFusion student checkpoint. The flag adds no weights,
    /// so the transformer is loaded with the value the sampler needs whatever the folder says.
    /// </summary>
    public bool FolderTxtAlignGuidance { get; }

    /// <summary>Short hex SHA-256 of model_index.json and every component's config file.</summary>
    public string ConfigFingerprint { get; }

    public ClipTokenizer Tokenizer { get; }
    public ClipTokenizer Tokenizer2 { get; }

    /// <summary>tokenizer_3, or null when the folder has no T5.</summary>
    public T5Tokenizer? Tokenizer3 { get; }

    public CLIPTextModelWithProjection TextEncoder { get; }
    public CLIPTextModelWithProjection TextEncoder2 { get; }

    /// <summary>text_encoder_3, or null when the folder has no T5 (zeros take its place, as in diffusers).</summary>
    public T5EncoderModel? TextEncoder3 { get; }

    public SD3Transformer2DModel Transformer { get; }

    /// <summary>The VAE, in float32 when its config sets force_upcast.</summary>
    public AutoencoderKL Vae { get; }

    public FlowMatchEulerDiscreteScheduler Scheduler { get; }

    public SD3PromptEncoder PromptEncoder { get; }

    /// <summary>Image pixels per latent pixel (8 for SD3).</summary>
    public int VaeScaleFactor => Vae.Config.DownsampleFactor;

    /// <summary>
    /// The weights each loaded part holds, in load order: text_encoder, text_encoder_2, text_encoder_3 (with T5),
    /// transformer and vae; <see cref="ComponentMemory.Shared"/> marks those from a pool. Loaded with a pool, every
    /// fingerprint was taken at load; without one, the first call reads the files (once per process).
    /// </summary>
    public IReadOnlyList<ComponentMemory> Memory => _parts.Memory();

    /// <summary>
    /// Loads and cross-checks the folder at <paramref name="root"/>. Every fault in the folder (a missing component,
    /// an unreadable config, a tokenizer file, a weight that does not fit) is one <see cref="ModelFormatException"/>
    /// naming the file.
    /// </summary>
    /// <param name="root">The folder holding model_index.json.</param>
    /// <param name="compute">Device and dtype.</param>
    /// <param name="txtAlignGuidance">Build the transformer with TeEFusion's fused guidance (the student) or without (the teacher).</param>
    /// <param name="maxSequenceLength">T5 tokens per prompt.</param>
    /// <param name="pool">
    /// Where the tokenizers, text encoders and VAE come from when the pool holds parts with the same files on the same
    /// device and dtype, and where those loaded here go; null loads and owns every part.
    /// </param>
    public static SD3Components Load(string root, ComputeOptions compute, bool txtAlignGuidance,
        int maxSequenceLength = T5Tokenizer.DefaultMaxLength, SD3ComponentPool? pool = null) =>
        SD3ComponentLoader.Load(root, compute, txtAlignGuidance, maxSequenceLength, pool);

    /// <summary>Frees the parts this model owns and releases its hold on pooled ones.</summary>
    public void Dispose() => _parts.Dispose();
}
