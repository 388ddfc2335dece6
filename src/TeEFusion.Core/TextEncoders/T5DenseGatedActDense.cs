// Mirrors T5DenseGatedActDense in huggingface/transformers src/transformers/models/t5/modeling_t5.py.
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TeEFusion.Core.TextEncoders;

/// <summary>Gated feed-forward of T5 v1.1: wo(act(wi_0 x) ⊙ wi_1 x), no biases.</summary>
public sealed class T5DenseGatedActDense : nn.Module<Tensor, Tensor>
{
    private readonly Linear wi_0;
    private readonly Linear wi_1;
    private readonly Linear wo;
    private readonly Func<Tensor, Tensor> _activation;

    public T5DenseGatedActDense(T5Config config, Device? device = null, ScalarType? dtype = null) : base(nameof(T5DenseGatedActDense))
    {
        _activation = Activations.Get(config.DenseActFn);
        wi_0 = nn.Linear(config.DModel, config.DFf, hasBias: false, device: device, dtype: dtype);
        wi_1 = nn.Linear(config.DModel, config.DFf, hasBias: false, device: device, dtype: dtype);
        wo = nn.Linear(config.DFf, config.DModel, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var gated = _activation(wi_0.call(hidden_states)) * wi_1.call(hidden_states); // (B, T, F)
        // transformers may keep `wo` in fp32 under an fp16 model (_keep_in_fp32_modules); the input follows its dtype.
        if (gated.dtype != wo.weight!.dtype) gated = gated.to(wo.weight.dtype); // (B, T, F)
        return wo.call(gated).MoveToOuterDisposeScope(); // (B, T, D)
    }
}
