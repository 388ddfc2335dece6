// Mirrors T5EncoderModel in huggingface/transformers src/transformers/models/t5/modeling_t5.py.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>
/// SD3's text_encoder_3 (T5 v1.1 XXL encoder). `shared.weight` and `encoder.embed_tokens.weight` are one tensor; a
/// checkpoint may store either or both, see <see cref="TiedGroups"/>.
/// </summary>
public sealed class T5EncoderModel : nn.Module<Tensor, Tensor>
{
    /// <summary>State-dict keys that name the same tensor, for the loader's tied-weights option.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> TiedGroups { get; } = [["shared.weight", "encoder.embed_tokens.weight"]];

    private readonly Embedding shared;
    private readonly T5Stack encoder;

    /// <param name="config">Validated here; an invalid config throws <see cref="ArgumentException"/> naming the field.</param>
    /// <param name="device">Where to allocate the weights (default: torch's default device); `meta` builds shapes only.</param>
    /// <param name="dtype">The weights' dtype (default: float32), so a large encoder never exists in fp32 first.</param>
    public T5EncoderModel(T5Config config, Device? device = null, ScalarType? dtype = null) : base(nameof(T5EncoderModel))
    {
        config.Validate();
        Config = config;
        shared = nn.Embedding(config.VocabSize, config.DModel, device: device, dtype: dtype);
        encoder = new T5Stack(config, shared, device, dtype);
        RegisterComponents();
    }

    public T5Config Config { get; }

    /// <param name="input_ids">Token ids, (B, T); SD3 pads to 256 with `&lt;pad&gt;` and passes no mask.</param>
    /// <returns>last_hidden_state, (B, T, d_model).</returns>
    public override Tensor forward(Tensor input_ids)
    {
        if (input_ids.dim() != 2)
            throw new ArgumentException($"input_ids must be (batch, tokens), got shape [{string.Join(", ", input_ids.shape)}].", nameof(input_ids));
        using var scope = NewDisposeScope();
        var ids = input_ids.to(ScalarType.Int64, shared.weight!.device); // (B, T)
        return encoder.call(ids).MoveToOuterDisposeScope(); // (B, T, D)
    }
}
