// Mirrors T5Attention in huggingface/transformers src/transformers/models/t5/modeling_t5.py (encoder self-attention).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>
/// Unscaled multi-head self-attention with a learned, bucketed relative position bias. Only the first block owns
/// `relative_attention_bias`; the bias it computes is handed on to every later block.
/// </summary>
public sealed class T5Attention : nn.Module<Tensor, Tensor?, (Tensor Output, Tensor PositionBias)>
{
    private readonly Linear q;
    private readonly Linear k;
    private readonly Linear v;
    private readonly Linear o;
    private readonly Embedding? relative_attention_bias;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly int _numBuckets;
    private readonly int _maxDistance;

    public T5Attention(T5Config config, bool has_relative_attention_bias, Device? device = null, ScalarType? dtype = null) : base(nameof(T5Attention))
    {
        _heads = config.NumHeads;
        _headDim = config.DKv;
        _numBuckets = config.RelativeAttentionNumBuckets;
        _maxDistance = config.RelativeAttentionMaxDistance;
        var inner = config.NumHeads * config.DKv;
        q = nn.Linear(config.DModel, inner, hasBias: false, device: device, dtype: dtype);
        k = nn.Linear(config.DModel, inner, hasBias: false, device: device, dtype: dtype);
        v = nn.Linear(config.DModel, inner, hasBias: false, device: device, dtype: dtype);
        o = nn.Linear(inner, config.DModel, hasBias: false, device: device, dtype: dtype);
        if (has_relative_attention_bias) relative_attention_bias = nn.Embedding(config.RelativeAttentionNumBuckets, config.NumHeads, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <param name="hidden_states">(B, T, D), already normalised.</param>
    /// <param name="position_bias">(1, H, T, T) from the first block, or null in the block that owns the bias table.</param>
    public override (Tensor Output, Tensor PositionBias) forward(Tensor hidden_states, Tensor? position_bias)
    {
        using var scope = NewDisposeScope();
        var (batch, length) = (hidden_states.shape[0], hidden_states.shape[1]);
        Tensor Heads(Tensor x) => x.view(batch, length, _heads, _headDim).transpose(1, 2); // (B, H, T, Dh)
        var query = Heads(q.call(hidden_states)); // (B, H, T, Dh)
        var key = Heads(k.call(hidden_states)); // (B, H, T, Dh)
        var value = Heads(v.call(hidden_states)); // (B, H, T, Dh)
        // No 1/sqrt(d) here: T5 folds it into the initialisation of q.
        var scores = query.matmul(key.transpose(3, 2)); // (B, H, T, T)
        var bias = position_bias ?? ComputeBias(length, scores.dtype, scores.device); // (1, H, T, T)
        scores = scores + bias; // (B, H, T, T)
        var weights = scores.to(ScalarType.Float32).softmax(-1).to(scores.dtype); // (B, H, T, T)
        var attended = weights.matmul(value).transpose(1, 2).reshape(batch, length, _heads * _headDim); // (B, T, H·Dh)
        var output = o.call(attended); // (B, T, D)
        return (output.MoveToOuterDisposeScope(), HandOn(bias, position_bias));
    }

    /// <summary>Moves the bias out of the current scope only where it was made; a received bias stays with its owner.</summary>
    internal static Tensor HandOn(Tensor bias, Tensor? received) => received is null ? bias.MoveToOuterDisposeScope() : bias;

    private Tensor ComputeBias(long length, ScalarType dtype, Device device)
    {
        if (relative_attention_bias is null)
            throw new InvalidOperationException("Only the first T5 block owns relative_attention_bias; later blocks need its position_bias.");
        var context = arange(length, dtype: ScalarType.Int64, device: device).unsqueeze(1); // (T, 1)
        var memory = arange(length, dtype: ScalarType.Int64, device: device).unsqueeze(0); // (1, T)
        var buckets = RelativePositionBucket(memory - context, _numBuckets, _maxDistance); // (T, T)
        var values = relative_attention_bias.call(buckets); // (T, T, H)
        return values.permute(2, 0, 1).unsqueeze(0).to(dtype); // (1, H, T, T)
    }

    /// <summary>
    /// Bidirectional bucket of (key position − query position): half the buckets per sign, exact for small distances,
    /// then logarithmic up to <paramref name="max_distance"/>. The float ops follow transformers so that bucket edges agree.
    /// </summary>
    public static Tensor RelativePositionBucket(Tensor relative_position, int num_buckets, int max_distance)
    {
        using var scope = NewDisposeScope();
        var half = num_buckets / 2;
        var sign_offset = relative_position.gt(0).to(ScalarType.Int64) * half; // (…)
        var distance = relative_position.abs(); // (…)
        var max_exact = half / 2;
        var is_small = distance.lt(max_exact); // (…)
        var scaled = distance.to(ScalarType.Float32).div(max_exact).log()
            .div(Math.Log(max_distance / (double)max_exact)).mul(half - max_exact); // (…)
        var large = (scaled.to(ScalarType.Int64) + max_exact).clamp_max(half - 1); // (…)
        return (sign_offset + torch.where(is_small, distance, large)).MoveToOuterDisposeScope(); // (…)
    }
}
