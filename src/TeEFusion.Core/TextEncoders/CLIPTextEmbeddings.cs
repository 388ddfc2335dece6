// Mirrors CLIPTextEmbeddings in huggingface/transformers src/transformers/models/clip/modeling_clip.py.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>Token plus learned absolute position embeddings.</summary>
public sealed class CLIPTextEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;

    // transformers' `position_ids` buffer is non-persistent (absent from checkpoints), so positions are made on the fly.
    public CLIPTextEmbeddings(CLIPTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(CLIPTextEmbeddings))
    {
        token_embedding = nn.Embedding(config.VocabSize, config.HiddenSize, device: device, dtype: dtype);
        position_embedding = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input_ids)
    {
        using var scope = NewDisposeScope();
        var positions = arange(input_ids.shape[1], dtype: ScalarType.Int64, device: input_ids.device); // (T)
        var embeddings = token_embedding.call(input_ids) + position_embedding.call(positions); // (B, T, D)
        return embeddings.MoveToOuterDisposeScope();
    }
}
