// Mirrors the register_to_config arguments of diffusers/models/autoencoders/autoencoder_kl.py (AutoencoderKL).
using System.Text.Json.Serialization;
using TeEFusion.Core.IO;
using static TorchSharp.torch;

namespace TeEFusion.Core.Vae;

/// <summary>
/// The `vae/config.json` of a diffusers model folder. Defaults are diffusers' constructor defaults, so a file that
/// omits a key means what it means to diffusers.
/// </summary>
public sealed class AutoencoderKLConfig : IValidatedConfig
{
    /// <summary>The only down block the KL autoencoder's encoder is built from.</summary>
    public const string DownEncoderBlock2D = "DownEncoderBlock2D";

    /// <summary>The only up block the KL autoencoder's decoder is built from.</summary>
    public const string UpDecoderBlock2D = "UpDecoderBlock2D";

    /// <summary>Activation names accepted by diffusers' get_activation.</summary>
    public static IReadOnlyList<string> SupportedActivations { get; } = ["silu", "swish", "mish", "gelu", "relu"];

    [JsonPropertyName("_class_name")] public string? ClassName { get; set; } = "AutoencoderKL";
    [JsonPropertyName("_diffusers_version")] public string? DiffusersVersion { get; set; }
    [JsonPropertyName("in_channels")] public int InChannels { get; set; } = 3;
    [JsonPropertyName("out_channels")] public int OutChannels { get; set; } = 3;
    [JsonPropertyName("down_block_types")] public string[] DownBlockTypes { get; set; } = [DownEncoderBlock2D];
    [JsonPropertyName("up_block_types")] public string[] UpBlockTypes { get; set; } = [UpDecoderBlock2D];
    [JsonPropertyName("block_out_channels")] public int[] BlockOutChannels { get; set; } = [64];
    [JsonPropertyName("layers_per_block")] public int LayersPerBlock { get; set; } = 1;
    [JsonPropertyName("act_fn")] public string ActFn { get; set; } = "silu";
    [JsonPropertyName("latent_channels")] public int LatentChannels { get; set; } = 4;
    [JsonPropertyName("norm_num_groups")] public int NormNumGroups { get; set; } = 32;
    [JsonPropertyName("sample_size")] public int SampleSize { get; set; } = 32;
    [JsonPropertyName("scaling_factor")] public double ScalingFactor { get; set; } = 0.18215;

    /// <summary>SD3 shifts latents before scaling them; null (SD1/SDXL files) means no shift.</summary>
    [JsonPropertyName("shift_factor")] public double? ShiftFactor { get; set; }

    /// <summary>Carried for completeness; SD3 pipelines do not use them (null in the SD3 file).</summary>
    [JsonPropertyName("latents_mean")] public double[]? LatentsMean { get; set; }

    /// <summary>Carried for completeness; SD3 pipelines do not use them (null in the SD3 file).</summary>
    [JsonPropertyName("latents_std")] public double[]? LatentsStd { get; set; }

    /// <summary>When true the VAE always runs in float32, whatever dtype the rest of the pipeline uses.</summary>
    [JsonPropertyName("force_upcast")] public bool ForceUpcast { get; set; } = true;

    /// <summary>The dtype the VAE runs in for a pipeline dtype: float32 when <see cref="ForceUpcast"/> is set.</summary>
    public ScalarType ComputeDType(ScalarType pipelineDType) => ForceUpcast ? ScalarType.Float32 : pipelineDType;

    [JsonPropertyName("use_quant_conv")] public bool UseQuantConv { get; set; } = true;
    [JsonPropertyName("use_post_quant_conv")] public bool UsePostQuantConv { get; set; } = true;
    [JsonPropertyName("mid_block_add_attention")] public bool MidBlockAddAttention { get; set; } = true;

    /// <summary>Spatial factor between image and latent: one 2× step per block but the last.</summary>
    [JsonIgnore] public int DownsampleFactor => 1 << (BlockOutChannels.Length - 1);

    /// <summary>Reads and validates a `vae/config.json`.</summary>
    public static AutoencoderKLConfig Load(string path) => ConfigJson.LoadValidated<AutoencoderKLConfig>(path);

    /// <summary>Throws <see cref="ArgumentException"/> naming the field when this implementation cannot build the configuration.</summary>
    public void Validate()
    {
        static void Fail(string field, string message) => throw new ArgumentException(message, field);

        if (ClassName is not null && ClassName != "AutoencoderKL")
            Fail("_class_name", $"'{ClassName}' is not supported; only AutoencoderKL is.");
        if (InChannels <= 0) Fail("in_channels", $"must be positive, got {InChannels}.");
        if (OutChannels <= 0) Fail("out_channels", $"must be positive, got {OutChannels}.");
        if (LatentChannels <= 0) Fail("latent_channels", $"must be positive, got {LatentChannels}.");
        if (LayersPerBlock <= 0) Fail("layers_per_block", $"must be positive, got {LayersPerBlock}.");
        if (NormNumGroups <= 0) Fail("norm_num_groups", $"must be positive, got {NormNumGroups}.");
        if (SampleSize <= 0) Fail("sample_size", $"must be positive, got {SampleSize}.");
        if (BlockOutChannels is null || BlockOutChannels.Length == 0)
            Fail("block_out_channels", "must list at least one channel count.");
        foreach (var channels in BlockOutChannels!)
        {
            if (channels <= 0 || channels % NormNumGroups != 0)
                Fail("block_out_channels",
                    $"{channels} channels cannot be split into norm_num_groups = {NormNumGroups} groups.");
        }
        CheckBlockTypes("down_block_types", DownBlockTypes, DownEncoderBlock2D, Fail);
        CheckBlockTypes("up_block_types", UpBlockTypes, UpDecoderBlock2D, Fail);
        if (!SupportedActivations.Contains(ActFn))
            Fail("act_fn", $"'{ActFn}' is not supported; expected one of {string.Join(", ", SupportedActivations)}.");
        if (!(ScalingFactor > 0) || double.IsInfinity(ScalingFactor))
            Fail("scaling_factor", $"must be a positive finite number, got {ScalingFactor}.");
        if (ShiftFactor is { } shift && !double.IsFinite(shift))
            Fail("shift_factor", $"must be finite, got {shift}.");
    }

    private void CheckBlockTypes(string field, string[]? types, string supported, Action<string, string> fail)
    {
        if (types is null || types.Length != BlockOutChannels.Length)
            fail(field, $"lists {types?.Length ?? 0} blocks but block_out_channels lists {BlockOutChannels.Length}.");
        foreach (var type in types!)
        {
            if (type != supported) fail(field, $"block type '{type}' is not supported; only {supported} is.");
        }
    }
}
