// Mirrors CLIPTextConfig in huggingface/transformers src/transformers/models/clip/configuration_clip.py.
using System.Text.Json.Serialization;
using TeEFusion.Core.IO;
using static TeEFusion.Core.IO.ConfigChecks;

namespace TeEFusion.Core.TextEncoders;

/// <summary>
/// Hyper-parameters of a CLIP text tower as stored in `text_encoder/config.json` and `text_encoder_2/config.json`.
/// Defaults are transformers' defaults; unknown keys in the file are ignored.
/// </summary>
public sealed class CLIPTextConfig : IValidatedConfig
{
    [JsonPropertyName("architectures")] public string[]? Architectures { get; init; }
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 512;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 2048;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 8;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 77;
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 49408;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "quick_gelu";
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-5;
    [JsonPropertyName("projection_dim")] public int ProjectionDim { get; init; } = 512;
    [JsonPropertyName("pad_token_id")] public long PadTokenId { get; init; } = 1;
    [JsonPropertyName("bos_token_id")] public long BosTokenId { get; init; } = 49406;
    [JsonPropertyName("eos_token_id")] public long EosTokenId { get; init; } = 49407;

    /// <summary>Reads and validates a config file; every fault is reported as a <see cref="ModelFormatException"/> naming the file and field.</summary>
    public static CLIPTextConfig Load(string path) => ConfigJson.LoadValidated<CLIPTextConfig>(path);

    /// <exception cref="ArgumentException">A field is out of range; <see cref="ArgumentException.ParamName"/> is the JSON key.</exception>
    public void Validate()
    {
        Positive(HiddenSize, "hidden_size");
        Positive(IntermediateSize, "intermediate_size");
        Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(MaxPositionEmbeddings, "max_position_embeddings");
        Positive(VocabSize, "vocab_size");
        Positive(ProjectionDim, "projection_dim");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new ArgumentException(
                $"hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}.", "hidden_size");
        if (!Activations.IsKnown(HiddenAct))
            throw new ArgumentException(
                $"hidden_act '{HiddenAct}' is not supported; expected one of {string.Join(", ", Activations.Names)}.", "hidden_act");
        Positive(LayerNormEps, "layer_norm_eps");
        if (EosTokenId < 0 || EosTokenId >= VocabSize)
            throw new ArgumentException($"eos_token_id {EosTokenId} is outside the vocabulary (size {VocabSize}).", "eos_token_id");
    }
}
