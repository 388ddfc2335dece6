// Mirrors T5Config in huggingface/transformers src/transformers/models/t5/configuration_t5.py (encoder fields).
using System.Text.Json.Serialization;
using TeEFusion.Core.IO;
using static TeEFusion.Core.IO.ConfigChecks;

namespace TeEFusion.Core.TextEncoders;

/// <summary>
/// Hyper-parameters of the T5 encoder as stored in `text_encoder_3/config.json`. Defaults are transformers' defaults;
/// decoder-only and training-only keys are ignored.
/// </summary>
public sealed class T5Config : IValidatedConfig
{
    [JsonPropertyName("architectures")] public string[]? Architectures { get; init; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 32128;
    [JsonPropertyName("d_model")] public int DModel { get; init; } = 512;
    [JsonPropertyName("d_kv")] public int DKv { get; init; } = 64;
    [JsonPropertyName("d_ff")] public int DFf { get; init; } = 2048;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 6;
    [JsonPropertyName("num_heads")] public int NumHeads { get; init; } = 8;
    [JsonPropertyName("relative_attention_num_buckets")] public int RelativeAttentionNumBuckets { get; init; } = 32;
    [JsonPropertyName("relative_attention_max_distance")] public int RelativeAttentionMaxDistance { get; init; } = 128;
    [JsonPropertyName("layer_norm_epsilon")] public double LayerNormEpsilon { get; init; } = 1e-6;
    [JsonPropertyName("feed_forward_proj")] public string FeedForwardProj { get; init; } = "relu";
    [JsonPropertyName("pad_token_id")] public long PadTokenId { get; init; }
    [JsonPropertyName("eos_token_id")] public long EosTokenId { get; init; } = 1;

    /// <summary>`gated-ACT` selects the gated feed-forward (T5 v1.1, SD3's T5-XXL).</summary>
    [JsonIgnore] public bool IsGatedAct => FeedForwardProj.StartsWith("gated-", StringComparison.Ordinal);

    /// <summary>The activation inside the feed-forward; transformers maps `gated-gelu` to the tanh-approximate gelu_new.</summary>
    [JsonIgnore]
    public string DenseActFn => FeedForwardProj == "gated-gelu" ? "gelu_new" : FeedForwardProj[(FeedForwardProj.LastIndexOf('-') + 1)..];

    /// <summary>Reads and validates a config file; every fault is reported as a <see cref="ModelFormatException"/> naming the file and field.</summary>
    public static T5Config Load(string path) => ConfigJson.LoadValidated<T5Config>(path);

    /// <exception cref="ArgumentException">A field is out of range; <see cref="ArgumentException.ParamName"/> is the JSON key.</exception>
    public void Validate()
    {
        Positive(VocabSize, "vocab_size");
        Positive(DModel, "d_model");
        Positive(DKv, "d_kv");
        Positive(DFf, "d_ff");
        Positive(NumLayers, "num_layers");
        Positive(NumHeads, "num_heads");
        Positive(LayerNormEpsilon, "layer_norm_epsilon");
        // Bidirectional bucketing splits the buckets by sign, then into exact and logarithmic halves.
        if (RelativeAttentionNumBuckets < 4 || RelativeAttentionNumBuckets % 4 != 0)
            throw new ArgumentException(
                $"relative_attention_num_buckets must be a positive multiple of 4, got {RelativeAttentionNumBuckets}.",
                "relative_attention_num_buckets");
        if (RelativeAttentionMaxDistance <= RelativeAttentionNumBuckets / 4)
            throw new ArgumentException(
                $"relative_attention_max_distance {RelativeAttentionMaxDistance} must exceed relative_attention_num_buckets/4.",
                "relative_attention_max_distance");
        var parts = FeedForwardProj.Split('-');
        if (!IsGatedAct || parts.Length != 2 || !Activations.IsKnown(DenseActFn))
            throw new ArgumentException(
                $"feed_forward_proj '{FeedForwardProj}' is not supported: only the gated feed-forward of T5 v1.1 " +
                $"('gated-ACT' with ACT one of {string.Join(", ", Activations.Names)}) is implemented.", "feed_forward_proj");
    }
}
