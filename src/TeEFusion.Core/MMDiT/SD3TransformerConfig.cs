// Mirrors the config of diffusers' SD3Transformer2DModel (models/transformers/transformer_sd3.py), plus the
// TeEFusion reference's `guidance` and `txt_align_guidance` flags (AIDC-AI/TeEFusion pipelines/sd3_model.py).
using System.Text.Json.Serialization;
using TeEFusion.Core.IO;
using static TeEFusion.Core.IO.ConfigChecks;

namespace TeEFusion.Core.MMDiT;

/// <summary>`transformer/config.json`. Defaults are diffusers' constructor defaults (not SD3-medium's values).</summary>
public sealed class SD3TransformerConfig : IValidatedConfig
{
    public const string ClassName = "SD3Transformer2DModel";

    [JsonPropertyName("_class_name")] public string? DiffusersClassName { get; init; } = ClassName;
    [JsonPropertyName("_diffusers_version")] public string? DiffusersVersion { get; init; }
    [JsonPropertyName("sample_size")] public int SampleSize { get; init; } = 128;
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 2;
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 16;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 18;
    [JsonPropertyName("attention_head_dim")] public int AttentionHeadDim { get; init; } = 64;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 18;
    [JsonPropertyName("joint_attention_dim")] public int JointAttentionDim { get; init; } = 4096;
    [JsonPropertyName("caption_projection_dim")] public int CaptionProjectionDim { get; init; } = 1152;
    [JsonPropertyName("pooled_projection_dim")] public int PooledProjectionDim { get; init; } = 2048;
    /// <summary>null means "same as in_channels", as in diffusers.</summary>
    [JsonPropertyName("out_channels")] public int? OutChannels { get; init; } = 16;
    [JsonPropertyName("pos_embed_max_size")] public int PosEmbedMaxSize { get; init; } = 96;
    /// <summary>Blocks with SD3.5's second attention; empty for SD3(-medium).</summary>
    [JsonPropertyName("dual_attention_layers")] public int[] DualAttentionLayers { get; init; } = [];
    /// <summary>null (SD3) or "rms_norm" (SD3.5).</summary>
    [JsonPropertyName("qk_norm")] public string? QkNorm { get; init; }
    /// <summary>Reference code's DistillCFG-style variant with a separate guidance_in embedder.</summary>
    [JsonPropertyName("guidance")] public bool Guidance { get; init; }
    /// <summary>TeEFusion: fuse the guidance into temb through the existing time and text embedders.</summary>
    [JsonPropertyName("txt_align_guidance")] public bool TxtAlignGuidance { get; init; }

    /// <summary>heads · head_dim: the width of both streams.</summary>
    [JsonIgnore] public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    [JsonIgnore] public int ResolvedOutChannels => OutChannels ?? InChannels;

    /// <summary>Reads and validates a `config.json`; errors name the file and the field.</summary>
    public static SD3TransformerConfig Load(string path) => ConfigJson.LoadValidated<SD3TransformerConfig>(path);

    /// <summary>Throws <see cref="ArgumentException"/> naming the field and its allowed values.</summary>
    public void Validate()
    {
        if (DiffusersClassName is not null && DiffusersClassName != ClassName)
            throw new ArgumentException($"_class_name is '{DiffusersClassName}'; expected '{ClassName}'.", "_class_name");
        Positive(SampleSize, "sample_size");
        Positive(PatchSize, "patch_size");
        Positive(InChannels, "in_channels");
        Positive(NumLayers, "num_layers");
        Positive(AttentionHeadDim, "attention_head_dim");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(JointAttentionDim, "joint_attention_dim");
        Positive(CaptionProjectionDim, "caption_projection_dim");
        Positive(PooledProjectionDim, "pooled_projection_dim");
        Positive(ResolvedOutChannels, "out_channels");
        Positive(PosEmbedMaxSize, "pos_embed_max_size");
        if (CaptionProjectionDim != InnerDim)
            throw new ArgumentException(
                $"caption_projection_dim is {CaptionProjectionDim}; it must equal num_attention_heads·attention_head_dim = {InnerDim}, the width of the text stream.", "caption_projection_dim");
        if (InnerDim % 4 != 0)
            throw new ArgumentException($"num_attention_heads·attention_head_dim = {InnerDim} must be divisible by 4 (2-D sin-cos position table).", "attention_head_dim");
        if (SampleSize / PatchSize == 0)
            throw new ArgumentException($"sample_size {SampleSize} must be at least patch_size {PatchSize}.", "sample_size");
        if (QkNorm is not (null or "rms_norm"))
            throw new ArgumentException($"qk_norm is '{QkNorm}'; allowed values: null, \"rms_norm\".", "qk_norm");
        if (DualAttentionLayers is null)
            throw new ArgumentException("dual_attention_layers is null; it must be a list of block indices ([] for SD3).", "dual_attention_layers");
        foreach (var layer in DualAttentionLayers)
            if (layer < 0 || layer >= NumLayers)
                throw new ArgumentException($"dual_attention_layers holds {layer}; allowed: block indices 0..{NumLayers - 1}.", "dual_attention_layers");
        if (Guidance && TxtAlignGuidance)
            throw new ArgumentException("guidance and txt_align_guidance are both true; the reference model allows at most one of them.", "txt_align_guidance");
    }
}
