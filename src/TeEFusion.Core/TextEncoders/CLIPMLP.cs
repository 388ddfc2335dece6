// Mirrors CLIPMLP in huggingface/transformers src/transformers/models/clip/modeling_clip.py.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>fc1, activation, fc2.</summary>
public sealed class CLIPMLP : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Func<Tensor, Tensor> _activation;

    public CLIPMLP(CLIPTextConfig config, Device? device = null, ScalarType? dtype = null) : base(nameof(CLIPMLP))
    {
        _activation = Activations.Get(config.HiddenAct);
        fc1 = nn.Linear(config.HiddenSize, config.IntermediateSize, device: device, dtype: dtype);
        fc2 = nn.Linear(config.IntermediateSize, config.HiddenSize, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var inner = _activation(fc1.call(hidden_states)); // (B, T, F)
        return fc2.call(inner).MoveToOuterDisposeScope(); // (B, T, D)
    }
}
