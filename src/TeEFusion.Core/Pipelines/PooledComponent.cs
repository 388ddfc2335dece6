namespace TeEFusion.Core.Pipelines;

/// <summary>One part an <see cref="SD3ComponentPool"/> holds, and how many loaded models use it.</summary>
/// <param name="Component">tokenizer, tokenizer_2, tokenizer_3, text_encoder, text_encoder_2, text_encoder_3 or vae.</param>
/// <param name="Fingerprint">Lowercase hex SHA-256 of the sub-folder's files.</param>
/// <param name="Device">Where its weights are (e.g. cpu, cuda:0); empty for a tokenizer, which has none.</param>
/// <param name="DType">Its weights' dtype (e.g. float32, the VAE's after force_upcast); empty for a tokenizer.</param>
/// <param name="Bytes">Parameters and buffers (see <see cref="ComponentMemory.Bytes"/>); 0 for a tokenizer.</param>
/// <param name="Leases">How many loaded models hold it; it is freed when the last lets go.</param>
public sealed record PooledComponent(string Component, string Fingerprint, string Device, [property: System.Text.Json.Serialization.JsonPropertyName("dtype")] string DType, long Bytes, int Leases);
