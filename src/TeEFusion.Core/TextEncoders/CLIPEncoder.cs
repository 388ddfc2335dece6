// Mirrors CLIPEncoder in huggingface/transformers src/transformers/models/clip/modeling_clip.py.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>The stack of encoder layers; returns every hidden state, as transformers does with output_hidden_states.</summary>
public sealed class CLIPEncoder : nn.Module<Tensor, Tensor[]>
{
    private readonly ModuleList<CLIPEncoderLayer> layers;

    public CLIPEncoder(CLIPTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(CLIPEncoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new CLIPEncoderLayer(config, device, dtype)).ToArray());
        RegisterComponents();
    }

    /// <returns>The embeddings followed by each layer's output: num_hidden_layers + 1 tensors of (B, T, D).</returns>
    public override Tensor[] forward(Tensor inputs_embeds)
    {
        using var scope = NewDisposeScope();
        var hidden_states = new Tensor[layers.Count + 1];
        hidden_states[0] = inputs_embeds; // (B, T, D), owned by the caller
        for (var i = 0; i < layers.Count; i++)
            hidden_states[i + 1] = layers[i].call(hidden_states[i]); // (B, T, D)
        foreach (var h in hidden_states.Skip(1)) h.MoveToOuterDisposeScope();
        return hidden_states;
    }
}
