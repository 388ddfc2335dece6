using System.Text.Json;
using System.Text.Json.Nodes;
using TeEFusion.Core.MMDiT;
using TeEFusion.Core.Sampling;
using TeEFusion.Core.TextEncoders;
using TeEFusion.Core.Vae;

namespace TeEFusion.Tooling.RandomModels;

/// <summary>
/// The configuration of every component of a random model folder. The presets:
/// <list type="bullet">
/// <item><b>tiny</b>: transformer 2 layers, 2 heads × 8 (inner 16), patch 2, joint 32, pooled 32, pos max 16;
/// CLIP-L/bigG stand-ins hidden 16 + 16, 2 layers, 2 heads, projections 16 + 16, vocabulary 768; T5 d_model 32, 2 layers,
/// 2 heads × 16, d_ff 64, vocabulary 384; VAE block_out_channels [8, 16], 1 layer per block, 4 groups, latent 4
/// (factor 2); default image 32×32.</item>
/// <item><b>tiny-sd3</b>: tiny as a plain SD3 folder (txt_align_guidance off): a guided teacher.</item>
/// <item><b>tiny-sd35</b>: tiny-sd3 with SD3.5's dual attention in block 0 and qk_norm "rms_norm".</item>
/// <item><b>small</b>: transformer 12 layers, 6 heads × 64 (inner 384), patch 2, joint 512, pooled 512, pos max 64;
/// CLIPs hidden 256 + 256, 4 layers, 4 heads, FFN 1024, projections 256 + 256, vocabulary 49408; T5 d_model 512,
/// 4 layers, 8 heads × 64, d_ff 1024, vocabulary 384; VAE [32, 64, 128, 128], 2 layers per block, 32 groups, latent 16
/// (factor 8); default image 256×256.</item>
/// <item><b>tiny-shapes</b>: the bundled model's architecture: transformer 6 layers, 4 heads × 32 (inner 128), patch 2,
/// joint 64, pooled 64, pos max 8 (64×64 images only); CLIPs hidden 32 + 32, 2 layers, 2 heads, FFN 64, projections
/// 32 + 32, 32 positions, a vocabulary of the shape captions' words (<see cref="Shapes.ShapeVocabulary"/>); no T5 (its
/// config only satisfies the wiring check); VAE [16, 32, 64], 1 layer per block, 8 groups, latent 4 (factor 4).</item>
/// <item><b>sd3-medium</b>: SD3-medium's shapes: transformer 24 layers, 24 × 64, joint 4096, pooled 2048, pos max 192;
/// CLIP-L (768, 12 layers, quick_gelu) and OpenCLIP bigG (1280, 32 layers, gelu); T5-XXL (4096, 24 layers, 64 × 64,
/// d_ff 10240, vocabulary 32128); VAE [128, 256, 512, 512], latent 16; default image 1024×1024.</item>
/// </list>
/// The tiny and small presets keep SD3's wiring: CLIP widths sum to at most joint_attention_dim, projection widths
/// sum to pooled_projection_dim, T5 d_model equals joint_attention_dim and the VAE latent channels equal the
/// transformer's in_channels.
/// </summary>
public sealed record RandomModelSpec(
    SD3TransformerConfig Transformer,
    AutoencoderKLConfig Vae,
    CLIPTextConfig TextEncoder,
    CLIPTextConfig TextEncoder2,
    T5Config TextEncoder3,
    FlowMatchEulerDiscreteSchedulerConfig Scheduler,
    int ImageSize)
{
    /// <summary>Whole words the CLIP vocabulary holds as single tokens; null for letter n-grams up to the vocabulary size.</summary>
    public IReadOnlyList<string>? VocabularyWords { get; init; }

    /// <summary>model_max_length of the CLIP tokenizers (CLIP's 77 unless the encoders have fewer positions).</summary>
    public int ClipMaxLength => TextEncoder.MaxPositionEmbeddings;

    /// <summary>The diffusers version written into every diffusers config and the index.</summary>
    public const string DiffusersVersion = "0.32.2";

    /// <summary>The transformers version written into the text-encoder configs (the TeEFusion reference pins it).</summary>
    public const string TransformersVersion = "4.44.2";

    /// <summary>CLIP vocabulary size: byte symbols, merges, then the two special tokens at the end.</summary>
    public int ClipVocabSize => TextEncoder.VocabSize;

    /// <summary>The configuration of <paramref name="preset"/>.</summary>
    public static RandomModelSpec For(RandomModelPreset preset) => preset switch
    {
        RandomModelPreset.Tiny => Tiny(new TransformerVariant()),
        RandomModelPreset.TinySd3 => Tiny(new TransformerVariant()).AsPlain(),
        RandomModelPreset.TinySd35 => Tiny(new TransformerVariant(DualAttentionLayers: [0], QkNorm: "rms_norm")).AsPlain(),
        RandomModelPreset.Small => Build(layers: 12, heads: 6, headDim: 64, joint: 512, posMax: 64,
            clipL: ClipConfig(256, 1024, 4, 4, 256, 49408, "quick_gelu"), clipG: ClipConfig(256, 1024, 4, 4, 256, 49408, "gelu"),
            t5: T5EncoderConfig(512, 4, 8, 64, 1024, 384), vae: VaeConfig([32, 64, 128, 128], 2, 32, 16, 256), imageSize: 256),
        RandomModelPreset.TinyShapes => TinyShapes(),
        RandomModelPreset.Sd3Medium => Build(layers: 24, heads: 24, headDim: 64, joint: 4096, posMax: 192,
            clipL: ClipConfig(768, 3072, 12, 12, 768, 49408, "quick_gelu"), clipG: ClipConfig(1280, 5120, 32, 20, 1280, 49408, "gelu"),
            t5: T5EncoderConfig(4096, 24, 64, 64, 10240, 32128), vae: VaeConfig([128, 256, 512, 512], 2, 32, 16, 1024), imageSize: 1024),
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown preset."),
    };

    /// <summary>True when the transformer is a TeEFusion student's (txt_align_guidance on).</summary>
    public bool IsStudent => Transformer.TxtAlignGuidance;

    /// <summary>The same model as a plain SD3 folder (txt_align_guidance off): equal weights, served as a guided teacher.</summary>
    public RandomModelSpec AsPlain()
    {
        var node = JsonSerializer.SerializeToNode(Transformer)!.AsObject();
        node["txt_align_guidance"] = false;
        return this with { Transformer = node.Deserialize<SD3TransformerConfig>()! };
    }

    // What tells an SD3.5 transformer from an SD3 one (the tiny presets share every other component's weights).
    private sealed record TransformerVariant(int[]? DualAttentionLayers = null, string? QkNorm = null);

    private static RandomModelSpec Tiny(TransformerVariant variant) => Build(layers: 2, heads: 2, headDim: 8, joint: 32, posMax: 16,
        clipL: ClipConfig(16, 32, 2, 2, 16, 768, "quick_gelu"), clipG: ClipConfig(16, 32, 2, 2, 16, 768, "gelu"),
        t5: T5EncoderConfig(32, 2, 2, 16, 64, 384), vae: VaeConfig([8, 16], 1, 4, 4, 32), imageSize: 32, variant: variant);

    private static RandomModelSpec TinyShapes()
    {
        var words = Shapes.ShapeVocabulary.Words;
        var vocabulary = ClipBpeVocabulary.FromWords(words).Tokens.Count;
        var clipL = ClipConfig(32, 64, 2, 2, 32, vocabulary, "quick_gelu", Shapes.ShapeVocabulary.MaxTokens);
        var clipG = ClipConfig(32, 64, 2, 2, 32, vocabulary, "gelu", Shapes.ShapeVocabulary.MaxTokens);
        // 16×16 latents need no resolution shift (SD3's 3.0 is for 128×128 latents).
        var spec = Build(layers: 6, heads: 4, headDim: 32, joint: 64, posMax: 8, clipL, clipG,
            t5: T5EncoderConfig(64, 1, 1, 8, 16, 384), vae: VaeConfig([16, 32, 64], 1, 8, 4, 64), imageSize: 64, shift: 1.0);
        return spec with { VocabularyWords = words };
    }

    private static RandomModelSpec Build(int layers, int heads, int headDim, int joint, int posMax,
        CLIPTextConfig clipL, CLIPTextConfig clipG, T5Config t5, AutoencoderKLConfig vae, int imageSize, double shift = 3.0,
        TransformerVariant? variant = null)
    {
        variant ??= new TransformerVariant();
        var transformer = new SD3TransformerConfig
        {
            DiffusersVersion = DiffusersVersion,
            SampleSize = imageSize / vae.DownsampleFactor,
            PatchSize = 2,
            InChannels = vae.LatentChannels,
            OutChannels = vae.LatentChannels,
            NumLayers = layers,
            NumAttentionHeads = heads,
            AttentionHeadDim = headDim,
            CaptionProjectionDim = heads * headDim,
            JointAttentionDim = joint,
            PooledProjectionDim = clipL.ProjectionDim + clipG.ProjectionDim,
            PosEmbedMaxSize = posMax,
            DualAttentionLayers = variant.DualAttentionLayers ?? [],
            QkNorm = variant.QkNorm,
            TxtAlignGuidance = true,
        };
        var scheduler = new FlowMatchEulerDiscreteSchedulerConfig { DiffusersVersion = DiffusersVersion, Shift = shift, NumTrainTimesteps = 1000 };
        var spec = new RandomModelSpec(transformer, vae, clipL, clipG, t5, scheduler, imageSize);
        spec.CheckWiring();
        return spec;
    }

    // SD3's CLIP configs keep the legacy ids (bos 0, pad 1, eos 2): the encoder then pools at argmax(input_ids),
    // which is the end token because it is the largest id of the vocabulary.
    private static CLIPTextConfig ClipConfig(int hidden, int ffn, int layers, int heads, int projection, int vocab, string act,
        int positions = 77) => new()
    {
        Architectures = ["CLIPTextModelWithProjection"],
        HiddenSize = hidden, IntermediateSize = ffn, NumHiddenLayers = layers, NumAttentionHeads = heads,
        ProjectionDim = projection, VocabSize = vocab, HiddenAct = act, MaxPositionEmbeddings = positions,
        LayerNormEps = 1e-5, BosTokenId = 0, PadTokenId = 1, EosTokenId = 2,
    };

    private static T5Config T5EncoderConfig(int dModel, int layers, int heads, int dKv, int dFf, int vocab) => new()
    {
        Architectures = ["T5EncoderModel"],
        DModel = dModel, NumLayers = layers, NumHeads = heads, DKv = dKv, DFf = dFf, VocabSize = vocab,
        FeedForwardProj = "gated-gelu", RelativeAttentionNumBuckets = 32, RelativeAttentionMaxDistance = 128,
        LayerNormEpsilon = 1e-6, PadTokenId = 0, EosTokenId = 1,
    };

    private static AutoencoderKLConfig VaeConfig(int[] channels, int layersPerBlock, int groups, int latent, int imageSize) => new()
    {
        DiffusersVersion = DiffusersVersion,
        BlockOutChannels = channels,
        DownBlockTypes = channels.Select(_ => AutoencoderKLConfig.DownEncoderBlock2D).ToArray(),
        UpBlockTypes = channels.Select(_ => AutoencoderKLConfig.UpDecoderBlock2D).ToArray(),
        LayersPerBlock = layersPerBlock,
        NormNumGroups = groups,
        LatentChannels = latent,
        SampleSize = imageSize,
        ScalingFactor = 1.5305,
        ShiftFactor = 0.0609,
        ForceUpcast = true,
        UseQuantConv = false,
        UsePostQuantConv = false,
        MidBlockAddAttention = true,
    };

    // The SD3 pipeline concatenates and pads the encoders' outputs; a preset that breaks these sums would fail there.
    private void CheckWiring()
    {
        Transformer.Validate();
        Vae.Validate();
        TextEncoder.Validate();
        TextEncoder2.Validate();
        TextEncoder3.Validate();
        Scheduler.Validate();
        if (TextEncoder.HiddenSize + TextEncoder2.HiddenSize > Transformer.JointAttentionDim)
            throw new InvalidOperationException("CLIP hidden sizes exceed joint_attention_dim.");
        if (TextEncoder3.DModel != Transformer.JointAttentionDim)
            throw new InvalidOperationException("T5 d_model differs from joint_attention_dim.");
        if (TextEncoder.VocabSize != TextEncoder2.VocabSize)
            throw new InvalidOperationException("the two CLIP encoders share one vocabulary size.");
        if (ImageSize % (Vae.DownsampleFactor * Transformer.PatchSize) != 0)
            throw new InvalidOperationException("the default image size is not a multiple of VAE factor · patch size.");
    }
}
